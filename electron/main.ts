/**
 * The composition root: the one place the real platform pieces (Electron's
 * safeStorage, electron-store, shell.openExternal, powerMonitor) are handed
 * to the plain services. Everything it wires is tested under Node.
 */
import { join } from 'node:path';

import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  Notification,
  powerMonitor,
  session,
  shell,
} from 'electron';
import ElectronStore from 'electron-store';

import { createLogger, type Logger } from './core/logger';
import { createServices, type MainServices } from './core/services';
import { isAllowedAuthorizeUrl } from './security/external-links';
import { registerIpc } from './shell/ipc-main';
import { createSafeStorageCipher } from './shell/safe-storage-cipher';
import {
  createMainWindow,
  denyAllPermissions,
  registerAppScheme,
  serveRenderer,
} from './shell/window';

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusWindow);
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start).catch(failToStart);
}

function focusWindow(): void {
  const [window] = BrowserWindow.getAllWindows();
  if (!window) return;

  if (window.isMinimized()) window.restore();
  window.focus();
}

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  const logger = createLogger({ filePath: join(dataDir, 'instalink.log') });

  const services: MainServices = await createServices({
    dataDir,
    cipher: createSafeStorageCipher(),
    openBrowser: (url) => openAuthorizePage(url, services, logger),
    logger,
    createStore: (options) => new ElectronStore(options),
  });

  denyAllPermissions(session.defaultSession);
  serveRenderer(join(__dirname, '..', 'renderer'));
  const window = createMainWindow({
    preload: join(__dirname, 'preload.cjs'),
    openExternal: (url) => shell.openExternal(url),
    logger,
  });
  registerIpc({
    services,
    window,
    copyText: (text) => clipboard.writeText(text),
    logger,
  });

  powerMonitor.on('resume', () => services.onSystemResume());
  app.on('before-quit', () => void services.close());
  notifyExpiringAccounts(services);
}

/**
 * A start-up that throws (an unwritable data folder, a store that cannot
 * be moved aside) would otherwise leave a process with no window and no
 * word: say what failed, then exit.
 */
function failToStart(error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);

  dialog.showErrorBox('Instalink could not start', reason);
  app.exit(1);
}

/** Opens Instagram's (or the sandbox's) authorize page, nothing else. */
async function openAuthorizePage(
  url: string,
  services: MainServices,
  logger: Logger,
): Promise<void> {
  if (!isAllowedAuthorizeUrl(url, services.sandbox()?.baseUrl)) {
    logger.error('refused to open an unexpected authorize URL');
    return;
  }

  await shell.openExternal(url);
}

/** A system notification for tokens that will lapse and cannot refresh. */
function notifyExpiringAccounts(services: MainServices): void {
  const expiring = services.expiringAccounts();
  if (expiring.length === 0 || !Notification.isSupported()) return;

  const names = expiring.map((account) => `@${account.username}`).join(', ');
  new Notification({
    title: 'Instagram links about to expire',
    body: `${names} will stop working soon. Open Instalink to reconnect.`,
  }).show();
}
