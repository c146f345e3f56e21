import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import pino from 'pino';

/**
 * The one logger every module writes through. `child(module)` gives a
 * per-module logger that adds a `module` field to each line. Every line is
 * redacted before it is written (see `redactFields` and `redactText`).
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(module: string): Logger;
}

/** Where and how much `createLogger` writes. */
export interface LoggerOptions {
  /** A JSON-lines log file; its folder is created when missing. */
  filePath?: string;
  /** A pino level name (`debug`, `info`, ...); unknown names mean `info`. */
  level?: string;
  /** Writes here instead of a file (tests); stdout when neither is given. */
  destination?: NodeJS.WritableStream;
}

/** What a secret is replaced with on every log line. */
export const REDACTED = '[redacted]';

/**
 * Field names whose values are secrets: OAuth codes and tokens (RFC 6749
 * section 10.3, 10.5), the App Secret, PKCE verifiers (RFC 7636 section
 * 7.1) and passwords. Compared after lower-casing and dropping `_` and `-`,
 * so `access_token`, `accessToken` and `access-token` all match.
 */
const SECRET_KEY_SUFFIXES = ['token', 'secret', 'verifier', 'password'];
const SECRET_KEYS = new Set(['code', 'authorization', 'cookie']);

/**
 * Secrets inside free text: query parameters of Instagram's OAuth and
 * token endpoints, bearer credentials (RFC 6750 section 2.1) and tokens by
 * their shape: Instagram user tokens start `IGAA` or `IGQV`, Facebook ones
 * `EAA`.
 */
const TEXT_RULES: ReadonlyArray<[RegExp, string]> = [
  [
    /(?<![A-Za-z0-9_])(access_token|client_secret|code|code_verifier)=[^&\s#"']*/gi,
    `$1=${REDACTED}`,
  ],
  [
    /"(access_token|client_secret|code|code_verifier)"\s*:\s*"[^"]*"/gi,
    `"$1":"${REDACTED}"`,
  ],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi, `Bearer ${REDACTED}`],
  [/\b(?=IGAA|IGQV|EAA)[A-Za-z0-9_-]{20,}/g, REDACTED],
];

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/** Replaces every secret found in a piece of free text. */
export function redactText(text: string): string {
  return TEXT_RULES.reduce(
    (result, [pattern, replacement]) => result.replace(pattern, replacement),
    text,
  );
}

/** True when a field of this name holds a secret. */
export function isSecretKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[_-]/g, '');

  return (
    SECRET_KEYS.has(normalised) ||
    SECRET_KEY_SUFFIXES.some((suffix) => normalised.endsWith(suffix))
  );
}

/**
 * A deep copy of log fields with secret-named fields replaced and every
 * string scrubbed.
 */
export function redactFields(
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return redactObject(fields, new WeakSet());
}

function redactObject(
  value: object,
  seen: WeakSet<object>,
): Record<string, unknown> {
  seen.add(value);

  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = redactEntry(key, field, seen);
  }

  return copy;
}

function redactEntry(
  key: string,
  value: unknown,
  seen: WeakSet<object>,
): unknown {
  if (isSecretKey(key) && !isErrorCode(key, value)) {
    return REDACTED;
  }

  return redactValue(value, seen);
}

/**
 * Error codes that cannot be OAuth authorization codes, which are long
 * mixed-case random strings (RFC 6749 section 4.1.2; Instagram's start
 * `AQ`): Node errno names (`EACCES`), upper-case names joined by `_`
 * (`ERR_INVALID_URL`, undici's `UND_ERR_SOCKET`) and lower-case words
 * joined by `-` or `_` (`refresh-too-early`). Words have no digits, so a
 * hex code never passes as one.
 */
const ERROR_CODE_SHAPES = [
  /^E[A-Z]{2,15}$/,
  /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/,
  /^[a-z]+(?:[-_][a-z]+)*$/,
];

/** The longest string code kept; a longer one may be a secret. */
const MAX_ERROR_CODE_LENGTH = 40;

/**
 * A `code` that is a number (Instagram's error codes, e.g. 190) or has an
 * error code's shape is kept; any other `code` is treated as a secret.
 */
function isErrorCode(key: string, value: unknown): boolean {
  if (key.toLowerCase() !== 'code') {
    return false;
  }
  if (typeof value === 'number') {
    return true;
  }

  return (
    typeof value === 'string' &&
    value.length <= MAX_ERROR_CODE_LENGTH &&
    ERROR_CODE_SHAPES.some((shape) => shape.test(value))
  );
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') {
    return redactText(value);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  if (seen.has(value)) {
    return '[circular]';
  }
  if (value instanceof Error) {
    return redactError(value, seen);
  }
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => redactValue(item, seen));
  }

  return redactObject(value, seen);
}

/** Errors keep their type, message and stack, all scrubbed. */
function redactError(
  error: Error,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const own = redactObject(error, seen);

  return {
    ...own,
    type: error.name,
    message: redactText(error.message),
    stack: error.stack === undefined ? undefined : redactText(error.stack),
  };
}

/**
 * Creates the app's logger on pino: JSON lines, ISO times, level names.
 * Redaction happens here, on every line, whatever the caller passes.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = LEVELS.has(options.level ?? '') ? options.level : 'info';
  const root = pino(
    {
      level,
      // pid and hostname say nothing useful in a desktop app's own log.
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    openDestination(options),
  );

  return wrap(root, undefined);
}

function openDestination(
  options: LoggerOptions,
): pino.DestinationStream | NodeJS.WritableStream {
  if (options.destination !== undefined) {
    return options.destination;
  }
  if (options.filePath === undefined) {
    return pino.destination({ sync: true });
  }

  mkdirSync(dirname(options.filePath), { recursive: true, mode: 0o700 });
  return pino.destination({ dest: options.filePath, sync: true, mode: 0o600 });
}

type LevelName = 'debug' | 'info' | 'warn' | 'error';

/**
 * Adapts a pino logger to `Logger`. Children are made from the root with
 * a dotted module path, so a grandchild writes one `module` field, not two.
 */
function wrap(root: pino.Logger, module: string | undefined): Logger {
  const target = module === undefined ? root : root.child({ module });
  const write =
    (levelName: LevelName) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const safeFields = fields === undefined ? {} : redactFields(fields);
      target[levelName](safeFields, redactText(message));
    };

  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (name) =>
      wrap(root, module === undefined ? name : `${module}.${name}`),
  };
}

/** A logger that writes nothing, for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
