import { extname, isAbsolute, join, normalize, relative } from 'node:path';

/** The scheme and host the renderer is served from. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'instalink';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The renderer's Content Security Policy, sent as a header by the app
 * protocol (the page repeats it in a meta tag). Only the app's own scripts
 * and styles run; images may be the data: URLs of avatars.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The content type of each file type the renderer build holds. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** A file the app protocol may serve, or why not. */
export type AppFileLookup =
  | { ok: true; filePath: string; contentType: string }
  | { ok: false; status: 403 | 404 };

/**
 * Maps an `app://instalink/...` URL to a file inside the renderer folder.
 * Other hosts, traversal out of the folder and unknown file types are
 * refused, so the protocol cannot be steered at any other file.
 */
export function resolveAppFile(
  url: string,
  rendererDir: string,
): AppFileLookup {
  const parsed = new URL(url);
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) {
    return { ok: false, status: 403 };
  }

  const path = decodeURIComponent(parsed.pathname);
  const filePath = normalize(
    join(rendererDir, path === '/' ? 'index.html' : path),
  );
  const inside = relative(rendererDir, filePath);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    return { ok: false, status: 403 };
  }

  const contentType = CONTENT_TYPES[extname(filePath)];
  if (!contentType) return { ok: false, status: 404 };
  return { ok: true, filePath, contentType };
}
