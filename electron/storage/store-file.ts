import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import Conf from 'conf';
import { z } from 'zod';

import { type Logger } from '../core/logger';
import { type Clock, type StoreNotice } from '../core/types';
import { StoreUnavailableError } from './errors';
import {
  runMigrations,
  schemaVersionOf,
  STORE_MIGRATIONS,
  STORE_SCHEMA_VERSION,
  type StoreMigrations,
} from './migrations';
import { repairSavedSettings, SETTING_LABELS } from './settings-store';

/**
 * The options Instalink gives the store. Conf 15 reads `configName`;
 * electron-store 11 takes the file name as `name` and overwrites
 * `configName` with it, so both are set.
 */
export interface ConfOptions {
  cwd: string;
  configName: string;
  name: string;
  projectName: string;
  /** Owner read and write only: the file holds encrypted secrets. */
  configFileMode: number;
  /** Never wipe an unreadable file; openStoreFile moves it aside first. */
  clearInvalidConfig: false;
  /** Account ids are keys; no key is ever a dotted path. */
  accessPropertiesByDotNotation: false;
}

/**
 * The part of Conf (and electron-store, which extends it) Instalink uses.
 * Every `set` rewrites the whole file atomically.
 */
export interface ConfLike {
  readonly path: string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  store: Record<string, unknown>;
}

/** Makes the store from Instalink's options (electron-store, or Conf). */
export type StoreFactory = (options: ConfOptions) => ConfLike;

/** The top-level shape of the store file at schema version 1. */
export interface StoreData {
  schemaVersion: number;
  /** Keyed by Instagram user id, always a string. */
  accounts: Record<string, unknown>;
  settings: Record<string, unknown>;
  /** The App Secret, encrypted by the secret cipher. */
  appSecret?: string;
}

/** Options of `openStoreFile`. */
export interface OpenStoreFileOptions {
  /** The app's data folder; created (mode 0700) when missing. */
  dataDir: string;
  /** File name without extension; defaults to `instalink`. */
  name?: string;
  /** Makes the store; electron-store in the app, Conf by default. */
  createStore?: StoreFactory;
  /** Replaces Instalink's migrations (tests). */
  migrations?: StoreMigrations;
  clock: Clock;
  logger: Logger;
}

/** An open store file and what the user must be told about opening it. */
export interface OpenedStoreFile {
  store: ConfLike;
  filePath: string;
  notices: StoreNotice[];
}

const storeDataSchema = z.looseObject({
  schemaVersion: z.literal(STORE_SCHEMA_VERSION),
  accounts: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
  appSecret: z.string().optional(),
});

/** What reading the file before opening the store found. */
type Inspection =
  | { kind: 'missing' }
  | { kind: 'current'; data: Record<string, unknown>; withoutBom?: string }
  | { kind: 'migrated'; data: StoreData; withoutBom?: string }
  | { kind: 'salvaged'; data: StoreData; reset: string[] }
  | { kind: 'damaged'; reason: string }
  | { kind: 'newer'; version: number };

/** Notepad and other Windows editors put one before the JSON. */
const BYTE_ORDER_MARK = '\uFEFF';

/** Instagram user ids: decimal digits (see account-store.ts). */
const USER_ID = /^\d{1,32}$/;

/** The data a new or recovered store starts with. */
export function emptyStoreData(): StoreData {
  return { schemaVersion: STORE_SCHEMA_VERSION, accounts: {}, settings: {} };
}

/**
 * Opens Instalink's store file. Before the store is made, the file is
 * read and checked: an unreadable, non-JSON or newer-version file is
 * moved aside (never deleted, never overwritten) and reported in
 * `notices`, and the app starts empty; JSON with a bad section is moved
 * aside too, but the app starts with what could be recovered and the
 * notice says what was reset; an older file is migrated and written once;
 * a byte order mark is dropped.
 */
export function openStoreFile(options: OpenStoreFileOptions): OpenedStoreFile {
  const name = options.name ?? 'instalink';
  const log = options.logger.child('store-file');
  const filePath = join(options.dataDir, `${name}.json`);
  makeDataDir(options.dataDir, filePath);

  const inspection = inspectStoreFile(
    filePath,
    options.migrations ?? STORE_MIGRATIONS,
  );
  const notices = recoverIfNeeded(inspection, filePath, name, options, log);
  dropByteOrderMark(inspection, filePath);

  const { conf, data } = createAndSeed(options, name, inspection, log);
  restrictMode(conf.path, log);

  return { store: withMemoryCopy(conf, data), filePath: conf.path, notices };
}

/**
 * Serves reads from memory and writes through to the file, starting from
 * `initial` when the caller already holds what the file says (opening
 * passes the data it inspected, so the file is not parsed again). Conf
 * reads and
 * parses the whole file on every `get`; with hundreds of accounts that
 * would dominate start-up. Instalink is the file's only writer (one
 * instance at a time), so the copy cannot go stale. Values are cloned on
 * the way in, so a caller changing its object later cannot make memory
 * and file disagree.
 */
export function withMemoryCopy(
  conf: ConfLike,
  initial: Record<string, unknown> = conf.store,
): ConfLike {
  let data = initial;

  return {
    get path() {
      return conf.path;
    },
    get: (key) => (Object.hasOwn(data, key) ? data[key] : undefined),
    // Whole-store writes: Conf's own set and delete read and parse the
    // file again before writing it, which costs as much as the write.
    set: (key, value) => {
      const next = { ...data, [key]: structuredClone(value) };
      conf.store = next;
      data = next;
    },
    delete: (key) => {
      const next = { ...data };
      delete next[key];
      conf.store = next;
      data = next;
    },
    get store() {
      return data;
    },
    set store(value) {
      const copy = structuredClone(value);
      conf.store = copy;
      data = copy;
    },
  };
}

/** Conf from `conf`: what tests and non-Electron callers use. */
export function createConfStore(options: ConfOptions): ConfLike {
  return new Conf<Record<string, unknown>>(options);
}

function makeDataDir(dataDir: string, filePath: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreUnavailableError(filePath, { cause: error });
  }
}

/** Makes the store and writes its starting data, if it needs any. */
function createAndSeed(
  options: OpenStoreFileOptions,
  name: string,
  inspection: Inspection,
  log: Logger,
): { conf: ConfLike; data: Record<string, unknown> } {
  const createStore = options.createStore ?? createConfStore;

  try {
    const conf = createStore(confOptions(options.dataDir, name));
    return { conf, data: seedIfNeeded(conf, inspection, log) };
  } catch (error) {
    const filePath = join(options.dataDir, `${name}.json`);
    throw new StoreUnavailableError(filePath, { cause: error });
  }
}

function confOptions(dataDir: string, name: string): ConfOptions {
  return {
    cwd: dataDir,
    configName: name,
    name,
    projectName: 'instalink',
    configFileMode: 0o600,
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
  };
}

/** Reads, parses, checks and (in memory) migrates the existing file. */
function inspectStoreFile(
  filePath: string,
  migrations: StoreMigrations,
): Inspection {
  const text = readStoreText(filePath);
  if (text === undefined) {
    return { kind: 'missing' };
  }
  if (typeof text !== 'string') {
    return { kind: 'damaged', reason: text.reason };
  }

  return inspectStoreText(text, migrations);
}

function readStoreText(
  filePath: string,
): string | undefined | { reason: string } {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (code === 'ENOENT') {
      return undefined;
    }

    return { reason: `it cannot be read (${code})` };
  }
}

function inspectStoreText(
  text: string,
  migrations: StoreMigrations,
): Inspection {
  const withoutBom = text.startsWith(BYTE_ORDER_MARK)
    ? text.slice(BYTE_ORDER_MARK.length)
    : undefined;
  const parsed = parseJsonObject(withoutBom ?? text);
  if (parsed === undefined) {
    return { kind: 'damaged', reason: 'it is not complete JSON' };
  }

  const inspection = inspectData(parsed, migrations);
  const keepsFile =
    inspection.kind === 'current' || inspection.kind === 'migrated';

  return keepsFile && withoutBom !== undefined
    ? { ...inspection, withoutBom }
    : inspection;
}

function inspectData(
  parsed: Record<string, unknown>,
  migrations: StoreMigrations,
): Inspection {
  try {
    const version = schemaVersionOf(parsed);
    if (version > STORE_SCHEMA_VERSION) {
      return { kind: 'newer', version };
    }

    return checkShape(runMigrations(parsed, migrations), parsed);
  } catch {
    return { kind: 'damaged', reason: 'it cannot be upgraded to this version' };
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Current data is used as it is; data that needed a migration or only a
 * number for its version is written once; anything else is salvaged.
 */
function checkShape(
  data: Record<string, unknown>,
  onDisk: Record<string, unknown>,
): Inspection {
  const normalised = { ...data, schemaVersion: STORE_SCHEMA_VERSION };
  const result = storeDataSchema.safeParse(normalised);
  if (!result.success || settingsNeedRepair(result.data.settings)) {
    return salvage(normalised);
  }
  if (onDisk.schemaVersion === STORE_SCHEMA_VERSION) {
    return { kind: 'current', data: onDisk };
  }

  return { kind: 'migrated', data: result.data };
}

function settingsNeedRepair(settings: Record<string, unknown>): boolean {
  return repairSavedSettings(settings).reset.length > 0;
}

/**
 * What can be kept of data whose sections are wrong (DESIGN.md: "the app
 * starts with what it can recover"): account records, the settings field
 * by field, a text App Secret. `reset` names, for the user, what was not.
 */
function salvage(data: Record<string, unknown>): Inspection {
  const accounts = salvageAccounts(data.accounts);
  const settings = salvageSettings(data.settings);
  const appSecret = salvageAppSecret(data.appSecret);
  const rest = { ...data };
  delete rest.appSecret;
  const salvaged: StoreData = {
    ...rest,
    schemaVersion: STORE_SCHEMA_VERSION,
    accounts: accounts.section,
    settings: settings.section,
    ...(appSecret.section === undefined
      ? {}
      : { appSecret: appSecret.section }),
  };

  const reset = [accounts.reset, settings.reset, appSecret.reset];
  return {
    kind: 'salvaged',
    data: salvaged,
    reset: reset.filter((part) => part !== undefined),
  };
}

/** A section as kept, and what was reset of it, in the user's words. */
interface SalvagedSection<T> {
  section: T;
  reset?: string;
}

/**
 * Records keyed by id are kept as they are: the account store checks each
 * one and reports those it cannot read. Records in a list are keyed by
 * their own id.
 */
function salvageAccounts(
  accounts: unknown,
): SalvagedSection<Record<string, unknown>> {
  if (accounts === undefined || isPlainObject(accounts)) {
    return { section: accounts ?? {} };
  }

  const list: unknown[] = Array.isArray(accounts) ? accounts : [];
  const section = Object.fromEntries(list.flatMap(keyedRecord));
  const kept = Object.keys(section).length;
  const reset =
    kept === 0
      ? 'the linked accounts'
      : `the linked accounts (${kept} of ${list.length} recovered)`;

  return { section, reset };
}

function keyedRecord(item: unknown): Array<[string, unknown]> {
  if (!isPlainObject(item)) {
    return [];
  }

  const userId = item.userId;
  return typeof userId === 'string' && USER_ID.test(userId)
    ? [[userId, item]]
    : [];
}

/** Settings fields that fail their checks fall back to their defaults. */
function salvageSettings(
  settings: unknown,
): SalvagedSection<Record<string, unknown>> {
  if (settings === undefined) {
    return { section: {} };
  }

  const repair = repairSavedSettings(settings);
  if (!isPlainObject(settings)) {
    return { section: { ...repair.settings }, reset: 'the settings' };
  }
  if (repair.reset.length === 0) {
    return { section: settings };
  }

  const labels = repair.reset.map((key) => SETTING_LABELS[key]);
  return {
    section: { ...repair.settings },
    reset: `the settings ${labels.join(', ')}`,
  };
}

/** An App Secret that is not text cannot be ciphertext: it is dropped. */
function salvageAppSecret(
  appSecret: unknown,
): SalvagedSection<string | undefined> {
  if (appSecret === undefined || typeof appSecret === 'string') {
    return { section: appSecret };
  }

  return { section: undefined, reset: 'the App Secret' };
}

/** Moves a bad file aside before the store can touch it. */
function recoverIfNeeded(
  inspection: Inspection,
  filePath: string,
  name: string,
  options: OpenStoreFileOptions,
  log: Logger,
): StoreNotice[] {
  if (!isSetAside(inspection)) {
    return [];
  }

  const label =
    inspection.kind === 'newer' ? `v${inspection.version}` : 'corrupt';
  const movedTo = moveAside(filePath, name, label, options.clock);
  const notice = noticeFor(inspection, movedTo);
  log.warn('store file moved aside', { movedTo, problem: notice.message });

  return [notice];
}

type SetAside = Extract<Inspection, { kind: 'damaged' | 'newer' | 'salvaged' }>;

function isSetAside(inspection: Inspection): inspection is SetAside {
  return (
    inspection.kind === 'damaged' ||
    inspection.kind === 'newer' ||
    inspection.kind === 'salvaged'
  );
}

/**
 * Conf cannot parse a file behind a byte order mark, so the file is
 * written again without it (and nothing else changed) before Conf opens
 * it; through a temporary file and a rename, so a crash leaves one or the
 * other whole.
 */
function dropByteOrderMark(inspection: Inspection, filePath: string): void {
  if (inspection.kind !== 'current' && inspection.kind !== 'migrated') {
    return;
  }
  if (inspection.withoutBom === undefined) {
    return;
  }

  const temporary = `${filePath}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, inspection.withoutBom, { mode: 0o600 });
    renameSync(temporary, filePath);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new StoreUnavailableError(filePath, { cause: error });
  }
}

/**
 * Renames the file to `<name>.<label>-<time>.json` next to it. The time is
 * ISO 8601 with `-` for `:`, which Windows forbids in file names. An
 * existing file of that name is never replaced: a counter is added.
 */
function moveAside(
  filePath: string,
  name: string,
  label: string,
  clock: Clock,
): string {
  const folder = join(filePath, '..');
  const stamp = new Date(clock.now()).toISOString().replace(/:/g, '-');

  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const suffix = attempt === 0 ? '' : `-${attempt}`;
    const candidate = join(folder, `${name}.${label}-${stamp}${suffix}.json`);
    if (!existsSync(candidate)) {
      renameOrFail(filePath, candidate);
      return candidate;
    }
  }

  throw new StoreUnavailableError(filePath);
}

function renameOrFail(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    throw new StoreUnavailableError(from, { cause: error });
  }
}

function noticeFor(inspection: SetAside, movedTo: string): StoreNotice {
  return {
    kind: 'store-recovered',
    movedTo,
    message: noticeMessage(inspection, movedTo),
  };
}

function noticeMessage(inspection: SetAside, movedTo: string): string {
  if (inspection.kind === 'newer') {
    return (
      `Instalink's data file was written by a newer version of Instalink ` +
      `(data version ${inspection.version}), which this version cannot ` +
      `read, so it started without linked accounts or settings. The ` +
      `file was kept unchanged at ${movedTo}; the newer version can ` +
      'still use it.'
    );
  }
  if (inspection.kind === 'salvaged') {
    return (
      "Part of Instalink's data file could not be used, so it was reset " +
      `and everything else was kept. Reset: ${inspection.reset.join('; ')}. ` +
      `An unchanged copy of the file was kept at ${movedTo}.`
    );
  }

  return (
    `Instalink's data file could not be used: ${inspection.reason}. ` +
    'Instalink started without linked accounts or settings. The ' +
    `file was kept unchanged at ${movedTo}.`
  );
}

/** Writes the starting data: empty for a new file, else the migration. */
function seedIfNeeded(
  store: ConfLike,
  inspection: Inspection,
  log: Logger,
): Record<string, unknown> {
  if (inspection.kind === 'current') {
    return inspection.data;
  }

  if (inspection.kind === 'migrated' || inspection.kind === 'salvaged') {
    const data = { ...inspection.data };
    store.store = data;
    log.info(`store file ${inspection.kind}`, {
      schemaVersion: STORE_SCHEMA_VERSION,
    });
    return data;
  }

  const empty = { ...emptyStoreData() };
  store.store = empty;
  return empty;
}

/**
 * Conf applies the mode only when it writes; a file left by an older
 * build or copied in keeps its mode until then, so it is narrowed now.
 */
function restrictMode(filePath: string, log: Logger): void {
  try {
    chmodSync(filePath, 0o600);
  } catch (error) {
    log.warn('could not restrict the store file mode', {
      code: (error as NodeJS.ErrnoException).code,
    });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
