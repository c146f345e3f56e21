import type { InstalinkBridge } from '../../electron/ipc/contract';

declare global {
  interface Window {
    /** Set by the preload (contextBridge); the renderer's only way out. */
    readonly instalink: InstalinkBridge;
  }
}

export {};
