import { type BrowserWindow, ipcMain } from 'electron';

import { type Logger } from '../core/logger';
import { type InstalinkServices } from '../core/types';
import { forwardServiceEvents } from '../ipc/events';
import { createIpcHandlers, createTrustedSenderCheck } from '../ipc/handlers';
import { APP_ORIGIN } from '../security/app-protocol';

/**
 * The only place `ipcMain` is used: every contract channel is registered
 * with its checked handler, which sees the sending frame's URL first.
 */
export function registerIpc(options: {
  services: InstalinkServices;
  window: BrowserWindow;
  copyText: (text: string) => void;
  logger: Logger;
}): () => void {
  const handlers = createIpcHandlers({
    services: options.services,
    isTrustedSender: createTrustedSenderCheck(APP_ORIGIN),
    copyText: options.copyText,
    logger: options.logger,
  });

  for (const [channel, handler] of Object.entries(handlers)) {
    ipcMain.handle(channel, (event, payload: unknown) =>
      handler(event.senderFrame?.url, payload),
    );
  }

  return forwardServiceEvents(
    options.services,
    (event, payload) => {
      if (!options.window.isDestroyed()) {
        options.window.webContents.send(event, payload);
      }
    },
    options.logger,
  );
}
