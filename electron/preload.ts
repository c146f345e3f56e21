/**
 * The preload: exposes the contract's bridge as `window.instalink` and
 * nothing else. It runs sandboxed, so it is bundled into one file.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

import { createBridge } from './ipc/bridge';

const bridge = createBridge(
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  (channel, listener) => {
    // The IpcRendererEvent carries the sender; it never reaches the page.
    const forward = (_event: IpcRendererEvent, payload: unknown) =>
      listener(payload);
    ipcRenderer.on(channel, forward);
    return () => ipcRenderer.removeListener(channel, forward);
  },
);

contextBridge.exposeInMainWorld('instalink', bridge);
