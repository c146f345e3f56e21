/**
 * Turns an answer from Instagram into either its parsed JSON body or an
 * `InstagramError` worded for the user. Instagram fails in three shapes
 * (DESIGN.md, "Instagram facts"): the OAuth endpoint's error object, the
 * Graph API's error object, and plain HTTP failures, HTML pages included.
 */
import {
  InstagramError,
  type InstagramOperation,
  scrubSecrets,
  TOKEN_INVALID_CODE,
} from './errors';
import {
  graphErrorSchema,
  oauthErrorSchema,
  parseInstagramJson,
} from './schemas';

/** An answer as read off the wire, body already limited in size. */
export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

/** What the mapping needs to know about the request. */
export interface ResponseContext {
  operation: InstagramOperation;
  /** Values to remove from any server text: the request's own secrets. */
  secrets: readonly string[];
}

/** Longest excerpt of a server's own words kept in a message. */
const EXCERPT_CHARS = 120;

/**
 * The parsed body of a successful answer; throws the matching
 * `InstagramError` for every failure shape.
 */
export function readJsonAnswer(
  response: RawResponse,
  context: ResponseContext,
): unknown {
  const body = tryParse(response.text);
  const shaped = body === undefined ? undefined : errorFromBody(body);

  if (shaped) {
    throw shapedError(shaped, response.status, context);
  }
  if (body === undefined || !isSuccess(response.status)) {
    throw unreadableError(response, context);
  }

  return body;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function tryParse(text: string): unknown {
  try {
    return parseInstagramJson(text);
  } catch {
    return undefined;
  }
}

/** One of Instagram's error objects, reduced to what matters. */
interface ShapedError {
  kind: 'oauth' | 'graph';
  message?: string;
  code?: number;
  subcode?: number;
  fbtraceId?: string;
}

function errorFromBody(body: unknown): ShapedError | undefined {
  const graph = graphErrorSchema.safeParse(body);
  if (graph.success) {
    return {
      kind: 'graph',
      message: graph.data.message,
      code: graph.data.code,
      subcode: graph.data.error_subcode,
      fbtraceId: graph.data.fbtrace_id,
    };
  }

  const oauth = oauthErrorSchema.safeParse(body);
  if (oauth.success) {
    return {
      kind: 'oauth',
      message: oauth.data.message,
      code: oauth.data.code,
    };
  }

  return undefined;
}

function shapedError(
  shaped: ShapedError,
  status: number,
  context: ResponseContext,
): InstagramError {
  const said = serverWords(shaped.message ?? '', context.secrets);
  const message =
    shaped.kind === 'graph'
      ? graphMessage(said, shaped.code)
      : oauthMessage(said, shaped.code);

  return new InstagramError(shaped.kind, message, {
    operation: context.operation,
    status,
    code: shaped.code,
    subcode: shaped.subcode,
    fbtraceId: shaped.fbtraceId,
  });
}

/**
 * The fix for an OAuth endpoint refusal, from its message. Instagram
 * matches the redirect URI byte for byte (DESIGN.md; case oauth-error).
 */
function oauthHint(said: string): string {
  if (/redirect_uri|redirect uri/i.test(said)) {
    return (
      "In your Meta app's Instagram settings, register exactly the " +
      'redirect URI shown in Settings (under Valid OAuth Redirect URIs), ' +
      'then connect again.'
    );
  }
  if (/client_secret|app secret/i.test(said)) {
    return (
      'Check the App Secret in Settings: it must be the Instagram App ' +
      "Secret from Meta's dashboard, not the Facebook one."
    );
  }
  if (/client_id|app id|platform app/i.test(said)) {
    return (
      'Check the App ID in Settings: it must be the Instagram App ID ' +
      "from Meta's dashboard, not the Facebook one."
    );
  }
  if (/code/i.test(said)) {
    return 'The sign-in code expired or was already used: connect again.';
  }

  return 'Check the App ID, App Secret and redirect URI in Settings.';
}

function oauthMessage(said: string, code: number | undefined): string {
  if (code === TOKEN_INVALID_CODE) {
    return graphMessage(said, code);
  }

  return `Instagram refused the sign-in${quoted(said)}. ${oauthHint(said)}`;
}

/** Graph API codes ("Handle errors", Graph API documentation). */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const TEMPORARY_CODES = new Set([1, 2]);

function graphMessage(said: string, code: number | undefined): string {
  if (code === TOKEN_INVALID_CODE) {
    return (
      `Instagram no longer accepts this account's access token${quoted(said)}. ` +
      'Connect the account again to keep using it.'
    );
  }
  if (code !== undefined && RATE_LIMIT_CODES.has(code)) {
    return (
      `Instagram is limiting requests from this app${quoted(said)}. ` +
      'Wait a while, then try again.'
    );
  }
  if (code !== undefined && TEMPORARY_CODES.has(code)) {
    return (
      `Instagram had a temporary problem${quoted(said)}. ` +
      'Try again in a few minutes.'
    );
  }
  if (code === 10 || (code !== undefined && code >= 200 && code < 300)) {
    return (
      `Instagram says a permission is missing${quoted(said)}. ` +
      'Connect the account again and allow every permission asked for.'
    );
  }

  const codeText = code === undefined ? '' : ` (code ${code})`;
  return (
    `Instagram refused the request${quoted(said)}${codeText}. ` +
    'Try again; if it keeps happening, connect the account again.'
  );
}

function quoted(said: string): string {
  return said ? `: "${said}"` : '';
}

/** An answer that is not JSON, or a failed status without an error body. */
function unreadableError(
  response: RawResponse,
  context: ResponseContext,
): InstagramError {
  const kind = isSuccess(response.status) ? 'invalid-response' : 'http';
  const excerpt = textExcerpt(response, context.secrets);
  const message =
    `Instagram did not answer properly (HTTP ${response.status})` +
    (excerpt ? `: "${excerpt}". ` : '. ') +
    statusAdvice(response.status);

  return new InstagramError(kind, message, {
    operation: context.operation,
    status: response.status,
  });
}

function statusAdvice(status: number): string {
  if (status === 429) {
    return 'Instagram is limiting requests: wait a while, then try again.';
  }
  if (status >= 500) {
    return 'This is usually temporary: try again in a few minutes.';
  }
  if (isSuccess(status)) {
    return 'A proxy or captive portal may be answering instead of Instagram.';
  }

  return 'Try again; if it keeps happening, check the provider settings.';
}

/**
 * A short plain-text excerpt of a non-JSON body: tags, scripts and the
 * page head removed, so an HTML error page reads as its visible text.
 */
function textExcerpt(response: RawResponse, secrets: readonly string[]) {
  if (tryParse(response.text) !== undefined) {
    return '';
  }

  return serverWords(htmlToText(response.text), secrets);
}

/** Server text made safe and short for a message. */
function serverWords(text: string, secrets: readonly string[]): string {
  const plain = htmlToText(text).replace(/\s+/g, ' ').trim();
  const safe = scrubSecrets(plain, secrets).replace(/[.\s]+$/, '');

  return safe.length > EXCERPT_CHARS
    ? `${safe.slice(0, EXCERPT_CHARS - 1).trimEnd()}…`
    : safe;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: ' ',
  gt: ' ',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function htmlToText(html: string): string {
  return html
    .replace(/<(head|script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<[^>]*>?/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, name: string) => {
      return ENTITIES[name] ?? ' ';
    })
    .replace(/[<>]/g, ' ');
}
