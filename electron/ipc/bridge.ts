/**
 * The renderer's side of the contract as a plain function: the preload
 * passes it `ipcRenderer.invoke` and a subscribe built on `ipcRenderer.on`
 * and exposes the result as `window.instalink`. Only the contract's
 * channels pass; raw IPC never reaches the page.
 */
import {
  type EventChannel,
  type InstalinkBridge,
  type IpcResult,
  isEventChannel,
  isInvokeChannel,
} from './contract';

/** `ipcRenderer.invoke`, as the preload hands it over. */
export type RawInvoke = (channel: string, payload: unknown) => Promise<unknown>;

/** Listens on one channel; returns a function that stops listening. */
export type RawSubscribe = (
  channel: string,
  listener: (payload: unknown) => void,
) => () => void;

/** Builds `window.instalink` from the preload's IPC pieces. */
export function createBridge(
  invoke: RawInvoke,
  subscribe: RawSubscribe,
): InstalinkBridge {
  return {
    invoke: (channel, payload) => {
      if (!isInvokeChannel(channel)) {
        return Promise.resolve(unknownChannel());
      }

      return invoke(channel, payload).then(
        asResult,
        transportFailure,
      ) as ReturnType<InstalinkBridge['invoke']>;
    },
    on: (event, listener) => {
      if (!isEventChannel(event)) {
        return () => undefined;
      }

      return subscribe(event satisfies EventChannel, (payload) =>
        listener(payload as Parameters<typeof listener>[0]),
      );
    },
  };
}

function unknownChannel(): IpcResult<never> {
  return {
    ok: false,
    error: { code: 'unknown-channel', message: 'No such action.' },
  };
}

// Handlers never reject, so anything but a result means IPC itself broke.
function asResult(value: unknown): IpcResult<unknown> {
  const isResult =
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ok?: unknown }).ok === 'boolean';

  return isResult ? (value as IpcResult<unknown>) : transportFailure();
}

function transportFailure(): IpcResult<never> {
  return {
    ok: false,
    error: {
      code: 'ipc-failed',
      message: 'The app did not answer. Restart Instalink and try again.',
    },
  };
}
