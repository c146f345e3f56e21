import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';

/** Token requests are a handful of short fields; anything bigger is abuse. */
const MAX_FORM_BYTES = 64 * 1024;

const JSON_TYPE = 'application/json; charset=UTF-8';

/** A request the sandbox refuses before reading it as a form. */
export class FormBodyError extends Error {
  override readonly name = 'FormBodyError';

  constructor(
    message: string,
    readonly status: 400 | 413 | 415,
  ) {
    super(message);
  }
}

/**
 * Reads a form body, URL-encoded or multipart: Instagram's token endpoint
 * accepts both (its documentation shows `curl -F`).
 */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const contentType = req.headers['content-type'] ?? '';

  if (!isFormType(contentType)) {
    throw new FormBodyError('Send the fields as a form', 415);
  }

  const body = await readBody(req);
  const form = await new Response(new Uint8Array(body), {
    headers: { 'content-type': contentType },
  })
    .formData()
    .catch(() => {
      throw new FormBodyError('The form could not be read', 400);
    });

  return toSearchParams(form);
}

function isFormType(contentType: string): boolean {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();

  return (
    mediaType === 'application/x-www-form-urlencoded' ||
    mediaType === 'multipart/form-data'
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;

  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) {
      throw new FormBodyError('The form is too large', 413);
    }
    chunks.push(chunk);
  }

  return Buffer.concat(chunks);
}

function toSearchParams(form: FormData): URLSearchParams {
  const params = new URLSearchParams();

  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') params.append(name, value);
  }

  return params;
}

/** Answers with JSON text built elsewhere (see `rawJsonObject`). */
export function sendJson(
  res: ServerResponse,
  status: number,
  jsonText: string,
): void {
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'cache-control': 'no-store',
  });
  res.end(jsonText);
}

/** Answers with plain text, e.g. a 404. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** A 302 to `location`, which the caller has validated. */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, {
    location,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end();
}

/**
 * Builds a JSON object from values that are already JSON text, so that a
 * user id can be written as a raw number above 2^53, exactly as Instagram
 * does; `JSON.stringify` cannot express such a number.
 */
export function rawJsonObject(
  entries: ReadonlyArray<readonly [string, string]>,
): string {
  const members = entries.map(
    ([key, value]) => `${JSON.stringify(key)}:${value}`,
  );

  return `{${members.join(',')}}`;
}

/** An Instagram id written as a raw JSON number; refuses non-digits. */
export function rawJsonId(id: string): string {
  if (!/^[1-9][0-9]*$/.test(id)) {
    throw new TypeError('An Instagram id must be a string of digits');
  }

  return id;
}

/** The OAuth endpoint's error shape (DESIGN.md, "Instagram facts"). */
export function oauthErrorJson(message: string): string {
  return JSON.stringify({
    error_type: 'OAuthException',
    code: 400,
    error_message: message,
  });
}

/** What a Graph API error says. */
export interface GraphErrorInput {
  message: string;
  code: number;
  subcode?: number;
}

/** The Graph API's error shape, with a fresh trace id like the real one. */
export function graphErrorJson(input: GraphErrorInput): string {
  return JSON.stringify({
    error: {
      message: input.message,
      type: 'OAuthException',
      code: input.code,
      error_subcode: input.subcode,
      fbtrace_id: randomBytes(9).toString('base64url'),
    },
  });
}
