/**
 * Downloads a profile picture for the renderer, which may load nothing from
 * elsewhere (its CSP is `default-src 'none'`, DESIGN.md "Security
 * baseline"), so the main process hands it a `data:` URL instead.
 */
import { type Logger } from '../core/logger';
import { InstagramError } from './errors';
import { type HttpContext, sendRequest } from './http';

/** The largest picture accepted: 512 kB (Instagram's are far smaller). */
export const AVATAR_MAX_BYTES = 512 * 1024;

/** Image types accepted, checked against both header and content. */
export const AVATAR_CONTENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
] as const;

type AvatarType = (typeof AVATAR_CONTENT_TYPES)[number];

/** Why a picture was not used; logged, never thrown. */
class AvatarRejected extends Error {
  override readonly name = 'AvatarRejected';
}

/**
 * The picture at `url` as a `data:` URL, or undefined on any failure
 * (logged with the host only: CDN URLs carry signed query strings).
 */
export async function fetchAvatarDataUrl(
  url: string,
  context: HttpContext,
): Promise<string | undefined> {
  try {
    return await downloadAvatar(parseAvatarUrl(url), context);
  } catch (err) {
    logFailure(context.logger, url, err);
    return undefined;
  }
}

function parseAvatarUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AvatarRejected('not a URL');
  }

  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new AvatarRejected(`scheme ${parsed.protocol} not allowed`);
  }

  return parsed;
}

async function downloadAvatar(url: URL, context: HttpContext): Promise<string> {
  const answer = await sendRequest(
    {
      operation: 'avatar',
      method: 'GET',
      url,
      accept: AVATAR_CONTENT_TYPES.join(','),
      maxBytes: AVATAR_MAX_BYTES,
    },
    context,
  );

  if (answer.status < 200 || answer.status >= 300) {
    throw new AvatarRejected(`HTTP ${answer.status}`);
  }
  if (!isAvatarType(answer.contentType)) {
    throw new AvatarRejected(`content type ${answer.contentType || 'none'}`);
  }

  const sniffed = sniffImageType(answer.body);
  if (!sniffed) {
    throw new AvatarRejected('content is not a known image');
  }

  return `data:${sniffed};base64,${answer.body.toString('base64')}`;
}

function isAvatarType(type: string): type is AvatarType {
  return (AVATAR_CONTENT_TYPES as readonly string[]).includes(type);
}

/**
 * The image type from the file's first bytes (its "magic number"), so a
 * mislabelled HTML page never becomes an image URL.
 */
export function sniffImageType(bytes: Buffer): AvatarType | undefined {
  const ascii = bytes.subarray(0, 12).toString('latin1');

  if (ascii.startsWith('\x89PNG\r\n\x1a\n')) {
    return 'image/png';
  }
  if (ascii.startsWith('\xff\xd8\xff')) {
    return 'image/jpeg';
  }
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) {
    return 'image/gif';
  }
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') {
    return 'image/webp';
  }

  return undefined;
}

function logFailure(logger: Logger | undefined, url: string, err: unknown) {
  const reason =
    err instanceof InstagramError || err instanceof AvatarRejected
      ? err.message
      : 'unexpected error';

  logger?.warn('avatar not fetched', { host: safeHost(url), reason });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}
