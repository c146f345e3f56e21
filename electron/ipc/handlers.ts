/**
 * The main-process side of the IPC contract. Every handler runs the same
 * three steps: check the sender's frame, parse the payload with the
 * contract, call the service; and every outcome, failures included, comes
 * back as an `IpcResult`, never as a thrown error (Electron would forward
 * a thrown error's message, stack and all, to the renderer).
 */
import { PasteNotRecognisedError } from '../auth/callback-params';
import {
  NoFlowWaitingError,
  PastedStateMismatchError,
} from '../auth/connect-flow';
import { NotConfiguredError } from '../auth/flow-outcomes';
import { type Logger } from '../core/logger';
import { type InstalinkServices } from '../core/types';
import { InstagramError } from '../instagram/errors';
import {
  AccountNotFoundError as StoredAccountNotFoundError,
  AppSecretMissingError,
  AppSecretUnreadableError,
  SecretEncryptionError,
  SecretStorageRefusedError,
  StoreUnavailableError,
  TokenUnreadableError,
} from '../storage/errors';
import { SettingsValidationError } from '../storage/settings-store';
import { AccountNotFoundError, RefreshTooEarlyError } from '../tokens/errors';
import {
  type InvokeChannel,
  type InvokePayload,
  invokeSchemas,
  type InvokeValue,
  type IpcError,
  type IpcResult,
} from './contract';
import { fieldErrorsFromIssues } from './issues';

/** One handler: the caller's frame URL and the raw payload in, a result out. */
export type IpcHandler = (
  senderFrameUrl: string | undefined,
  payload: unknown,
) => Promise<IpcResult<unknown>>;

/** A handler for every invoke channel of the contract. */
export type IpcHandlers = Record<InvokeChannel, IpcHandler>;

/** What the handlers need: the services and the platform pieces. */
export interface IpcHandlerOptions {
  services: InstalinkServices;
  /** True only for the app's own frame (see createTrustedSenderCheck). */
  isTrustedSender: (frameUrl: string | undefined) => boolean;
  /** Writes the clipboard (Electron's `clipboard.writeText` in the app). */
  copyText: (text: string) => void;
  logger: Logger;
}

type Work = {
  [C in InvokeChannel]: (
    payload: InvokePayload<C>,
  ) => InvokeValue<C> | Promise<InvokeValue<C>>;
};

// Keys that reach Object.prototype when code later merges or spreads the
// payload; refused at any depth even where a schema would drop them.
const POISON_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_PAYLOAD_DEPTH = 8;

const GENERIC_MESSAGE =
  'Something went wrong in Instalink. The log file in the data folder ' +
  'has the details.';

/** Builds the handler map the Electron shell registers with ipcMain. */
export function createIpcHandlers(options: IpcHandlerOptions): IpcHandlers {
  const logger = options.logger.child('ipc');
  const work = workFor(options);
  const channels = Object.keys(invokeSchemas) as InvokeChannel[];

  return Object.fromEntries(
    channels.map((channel) => [
      channel,
      handlerFor(channel, work, options.isTrustedSender, logger),
    ]),
  ) as IpcHandlers;
}

function workFor({ services, copyText }: IpcHandlerOptions): Work {
  return {
    'accounts:list': () => services.listAccounts(),
    'accounts:refresh': ({ userId }) => services.refreshAccount(userId),
    'accounts:disconnect': ({ userId }) => services.disconnect(userId),
    'connect:start': ({ forceReauth }) =>
      services.startConnect(forceReauth ? { forceReauth } : {}),
    'connect:cancel': () => nothing(services.cancelConnect()),
    'connect:paste-redirect': ({ text }) =>
      nothing(services.submitPastedRedirect(text)),
    'connect:reopen': async () => nothing(await services.reopenAuthorizePage()),
    'connect:progress': () => services.flowProgress(),
    'settings:get': () => services.getSettings(),
    'settings:save': (patch) => services.saveSettings(patch),
    'notices:list': () => services.notices(),
    'clipboard:copy-text': ({ text }) => nothing(copyText(text)),
  };
}

// Void services answer `null`: `undefined` does not survive every bridge.
function nothing(_done: void): null {
  return null;
}

function handlerFor<C extends InvokeChannel>(
  channel: C,
  work: Work,
  isTrustedSender: IpcHandlerOptions['isTrustedSender'],
  logger: Logger,
): IpcHandler {
  return async (senderFrameUrl, payload) => {
    try {
      if (!isTrustedSender(senderFrameUrl)) {
        logger.warn('refused a call from a foreign frame', { channel });
        return failure('forbidden', 'This window may not call Instalink.');
      }

      const parsed = parsePayload(channel, payload);
      if (!parsed.ok) {
        logger.warn('refused a malformed payload', { channel });
        return parsed;
      }

      const value = await work[channel](parsed.value);
      return checkResult(channel, value, logger);
    } catch (error) {
      return { ok: false, error: toIpcError(error, logger, channel) };
    }
  };
}

function parsePayload<C extends InvokeChannel>(
  channel: C,
  payload: unknown,
): IpcResult<InvokePayload<C>> {
  if (hasPoisonKey(payload, 0)) {
    return failure('invalid-input', 'The request carries a forbidden key.');
  }

  const parsed = invokeSchemas[channel].payload.safeParse(payload);
  if (parsed.success) {
    return { ok: true, value: parsed.data };
  }

  return {
    ok: false,
    error: {
      code: 'invalid-input',
      message: 'The request does not match what this action takes.',
      fieldErrors: fieldErrorsFromIssues(parsed.error.issues),
    },
  };
}

function hasPoisonKey(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  if (depth > MAX_PAYLOAD_DEPTH) {
    return true;
  }

  return Object.keys(value).some(
    (key) =>
      POISON_KEYS.has(key) ||
      hasPoisonKey((value as Record<string, unknown>)[key], depth + 1),
  );
}

// The result schemas strip unknown keys, so whatever a service adds by
// mistake (a token, the secret) stops here instead of reaching the page.
function checkResult<C extends InvokeChannel>(
  channel: C,
  value: InvokeValue<C>,
  logger: Logger,
): IpcResult<InvokeValue<C>> {
  const parsed = invokeSchemas[channel].result.safeParse(value);
  if (parsed.success) {
    return { ok: true, value: parsed.data };
  }

  logger.error('a service result broke the IPC contract', {
    channel,
    paths: parsed.error.issues.map((issue) => issue.path.join('.')),
  });
  return failure('internal', GENERIC_MESSAGE);
}

function failure(code: string, message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}

// Typed errors whose messages are written for people and carry no secret
// (each module's errors.ts says so); the code lets the renderer branch.
const KNOWN_ERRORS: ReadonlyArray<
  readonly [new (...args: never[]) => Error, string]
> = [
  [SecretStorageRefusedError, 'storage-refused'],
  [SecretEncryptionError, 'storage-failed'],
  [StoreUnavailableError, 'storage-unavailable'],
  [PasteNotRecognisedError, 'paste-rejected'],
  [PastedStateMismatchError, 'paste-rejected'],
  [NoFlowWaitingError, 'no-flow'],
  [InstagramError, 'instagram'],
  [StoredAccountNotFoundError, 'not-found'],
  [AccountNotFoundError, 'not-found'],
  [TokenUnreadableError, 'token-unreadable'],
  [RefreshTooEarlyError, 'refresh-too-early'],
  [NotConfiguredError, 'not-configured'],
  [AppSecretMissingError, 'not-configured'],
  [AppSecretUnreadableError, 'not-configured'],
];

/**
 * The one place errors become `{code, message}` for the renderer. Known
 * typed errors keep their message; anything else is logged and replaced
 * by a generic message, since its text was not written for the user and
 * may quote what it should not.
 */
export function toIpcError(
  error: unknown,
  logger: Logger,
  channel?: InvokeChannel,
): IpcError {
  if (error instanceof SettingsValidationError) {
    return {
      code: 'invalid-settings',
      message: error.message,
      fieldErrors: { ...error.fieldErrors },
    };
  }

  const known = KNOWN_ERRORS.find(([type]) => error instanceof type);
  if (known && error instanceof Error) {
    logger.info('a call ended with a known error', { channel, code: known[1] });
    return { code: known[1], message: error.message };
  }

  // The detail goes to the log only, through the logger's redaction.
  logger.error('a call failed', { channel, ...describe(error) });
  return { code: 'internal', message: GENERIC_MESSAGE };
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    return { errorType: typeof error };
  }

  return { errorName: error.name, err: error.message, stack: error.stack };
}

/**
 * Builds the sender check: true only for frames of the app's own page.
 * Compares `protocol` and `host` rather than `origin`, which is the string
 * 'null' for custom schemes such as `app://instalink` and would match any
 * other opaque origin. For `file:` (no host) the whole path must match.
 */
export function createTrustedSenderCheck(
  appOrigin: string,
): (frameUrl: string | undefined) => boolean {
  const app = new URL(appOrigin);

  return (frameUrl) => {
    const frame = frameUrl ? safeUrl(frameUrl) : undefined;
    if (!frame) {
      return false;
    }

    const sameSite = frame.protocol === app.protocol && frame.host === app.host;
    return app.protocol === 'file:'
      ? sameSite && frame.pathname === app.pathname
      : sameSite;
  };
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
