/**
 * The main window's options as plain data, so a test can assert every
 * item of Electron's security checklist without starting Electron.
 * (https://www.electronjs.org/docs/latest/tutorial/security)
 */
export interface HardenedWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    experimentalFeatures: false;
    enableBlinkFeatures: '';
    webviewTag: false;
    navigateOnDragDrop: false;
    spellcheck: false;
  };
}

/** Options for the one window; `preload` is the bundled preload's path. */
export function mainWindowOptions(preload: string): HardenedWindowOptions {
  return {
    width: 1040,
    height: 720,
    minWidth: 420,
    minHeight: 480,
    // Shown on ready-to-show, so the user never sees an empty frame.
    show: false,
    title: 'Instalink',
    backgroundColor: '#f5f6f7',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}
