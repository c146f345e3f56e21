/**
 * The renderer's one door to the main process: `window.instalink`, typed
 * by the IPC contract. Failed results become a thrown `IpcCallError`, so
 * screens can use try/catch and still read the error's code and fields.
 */
import type {
  InvokeChannel,
  InvokePayload,
  InvokeValue,
  IpcError,
} from '../../electron/ipc/contract';

/** A call the main process answered with `{ ok: false }`. */
export class IpcCallError extends Error {
  override readonly name = 'IpcCallError';

  constructor(readonly ipcError: IpcError) {
    super(ipcError.message);
  }
}

/** Invokes a channel and returns its value, or throws `IpcCallError`. */
export async function call<C extends InvokeChannel>(
  channel: C,
  payload: InvokePayload<C>,
): Promise<InvokeValue<C>> {
  const result = await window.instalink.invoke(channel, payload);
  if (!result.ok) {
    throw new IpcCallError(result.error);
  }

  return result.value;
}

/** The sentence to show for any failure of a call. */
export function messageOf(error: unknown): string {
  return error instanceof IpcCallError
    ? error.message
    : 'Instalink did not answer. Restart it and try again.';
}

/** Per-field messages of a failed call, or none. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof IpcCallError
    ? (error.ipcError.fieldErrors ?? {})
    : {};
}
