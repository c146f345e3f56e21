import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type InstalinkBridge,
  type InvokeChannel,
} from '../../electron/ipc/contract';
import {
  buildShellBundles,
  createElectronStub,
  type ElectronStub,
  loadBundle,
} from '../support/electron-stub';

// The preload, bundled by the project's own build script and run as
// Electron runs a sandboxed preload: `require` gives only `electron`
// (here the stub) and the few modules the sandbox allows.

let workDir: string;
let stub: ElectronStub;
let required: string[];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'instalink-preload-'));
  const bundles = await buildShellBundles(workDir);

  stub = createElectronStub({ userData: workDir });
  required = await loadBundle(bundles.preload, stub, { sandboxed: true });
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function exposedBridge(): InstalinkBridge {
  return stub.exposedInMainWorld.get('instalink') as InstalinkBridge;
}

describe('preload.cjs under the Electron stub', () => {
  it('requires nothing but electron, as a sandboxed preload must', () => {
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('exposes exactly one key, instalink, with invoke and on', () => {
    const bridge = exposedBridge();

    expect([...stub.exposedInMainWorld.keys()]).toEqual(['instalink']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(typeof bridge.invoke).toBe('function');
    expect(typeof bridge.on).toBe('function');
  });

  it('passes a contract channel to ipcRenderer.invoke', async () => {
    await exposedBridge().invoke('settings:get', {});

    expect(stub.rendererInvokes).toContainEqual(['settings:get', {}]);
  });

  it('keeps a channel outside the contract from ipcRenderer', async () => {
    const channel = 'electron-store-get-data' as InvokeChannel;
    const result = await exposedBridge().invoke(channel, {} as never);

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
    expect(stub.rendererInvokes.map(([name]) => name)).not.toContain(channel);
  });

  it('forwards a pushed event’s payload without the IPC event', () => {
    const received: unknown[][] = [];
    const stop = exposedBridge().on('accounts:changed', (...args) =>
      received.push(args),
    );

    stub.electron.ipcRenderer.emit('accounts:changed', { sender: {} }, []);
    stop();

    expect(received).toEqual([[[]]]);
  });

  it('stops forwarding once the page unsubscribes', () => {
    const stop = exposedBridge().on('accounts:changed', () => undefined);

    stop();

    expect(stub.electron.ipcRenderer.listenerCount('accounts:changed')).toBe(0);
  });

  it('subscribes to no event outside the contract', () => {
    const event = 'electron-store-get-data' as 'accounts:changed';

    exposedBridge().on(event, () => undefined);

    expect(stub.electron.ipcRenderer.listenerCount(event)).toBe(0);
  });
});
