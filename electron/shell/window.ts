import { readFile } from 'node:fs/promises';

import { BrowserWindow, protocol, type Session } from 'electron';

import { type Logger } from '../core/logger';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME,
  RENDERER_CSP,
  resolveAppFile,
} from '../security/app-protocol';
import { isAllowedExternalUrl } from '../security/external-links';
import { mainWindowOptions } from '../security/window-options';

/**
 * Registers `app://` before the app is ready, as a standard, secure scheme
 * so the renderer gets a real origin without `file://`'s extra powers.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    },
  ]);
}

/** Serves the renderer folder, and only it, over `app://instalink/`. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const lookup = resolveAppFile(request.url, rendererDir);
    if (!lookup.ok) return new Response(null, { status: lookup.status });

    const body = await readRendererFile(lookup.filePath);
    if (!body) return new Response(null, { status: 404 });

    return new Response(body, {
      headers: {
        'Content-Type': lookup.contentType,
        'Content-Security-Policy': RENDERER_CSP,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}

/**
 * A file the renderer folder lacks answers 404, as refused paths do; a
 * rejected handler would leave Electron only a failed request to report.
 */
async function readRendererFile(
  filePath: string,
): Promise<Buffer<ArrayBuffer> | null> {
  try {
    return await readFile(filePath);
  } catch {
    return null;
  }
}

/** Every permission request (camera, notifications, …) is refused. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  session.setPermissionCheckHandler(() => false);
}

/**
 * Creates the one window. It may not navigate away from the app nor open
 * windows; links to Instagram's and Meta's https pages go to the system
 * browser instead (Electron security checklist, items 13 and 14).
 */
export function createMainWindow(options: {
  preload: string;
  openExternal: (url: string) => Promise<void>;
  logger: Logger;
}): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(options.preload));
  const contents = window.webContents;

  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void options.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());

  void window.loadURL(APP_ENTRY_URL);
  options.logger.info('window created');
  return window;
}
