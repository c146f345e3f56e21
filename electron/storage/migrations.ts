/**
 * Upgrades the store file's data from the schema version it was written
 * with to the one this build reads. Migrations run on the parsed JSON
 * before the store is opened, and the result is written once, so a failed
 * upgrade never leaves a half-migrated file behind.
 */

/** The store file's schema version this build reads and writes. */
export const STORE_SCHEMA_VERSION = 1;

/** Turns data of one schema version into data of a later one. */
export type StoreMigration = (
  data: Record<string, unknown>,
) => Record<string, unknown>;

/** Migrations keyed by the schema version they upgrade from. */
export type StoreMigrations = Readonly<Record<number, StoreMigration>>;

/**
 * Instalink's own migrations. Version 0 is a file without `schemaVersion`
 * (an empty object left by an interrupted first start): it gains the v1
 * sections it lacks.
 */
export const STORE_MIGRATIONS: StoreMigrations = {
  0: (data) => ({
    accounts: {},
    settings: {},
    ...data,
    schemaVersion: 1,
  }),
};

/** The data cannot be brought to the current schema version. */
export class StoreMigrationError extends Error {
  override readonly name = 'StoreMigrationError';
}

/**
 * Reads a file's schema version: absent means 0, and an integer written
 * as text (a hand edit) counts as that integer; anything else but a
 * non-negative integer is damage.
 */
export function schemaVersionOf(data: Record<string, unknown>): number {
  const stored = data.schemaVersion ?? 0;
  const version =
    typeof stored === 'string' && /^\s*\d{1,9}\s*$/.test(stored)
      ? Number(stored)
      : stored;
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) {
    throw new StoreMigrationError('schemaVersion is not an integer');
  }
  if (version < 0) {
    throw new StoreMigrationError('schemaVersion is negative');
  }

  return version;
}

/**
 * Applies migrations one version at a time until `target`. Each step must
 * raise the version, so a faulty migration cannot loop forever.
 */
export function runMigrations(
  data: Record<string, unknown>,
  migrations: StoreMigrations,
  target: number = STORE_SCHEMA_VERSION,
): Record<string, unknown> {
  let current = data;
  let version = schemaVersionOf(current);

  while (version < target) {
    current = migrateOnce(current, version, migrations);
    version = raisedVersion(current, version);
  }

  return current;
}

function migrateOnce(
  data: Record<string, unknown>,
  version: number,
  migrations: StoreMigrations,
): Record<string, unknown> {
  const migrate = migrations[version];
  if (migrate === undefined) {
    throw new StoreMigrationError(`no migration from version ${version}`);
  }

  try {
    return migrate(structuredClone(data));
  } catch (error) {
    throw new StoreMigrationError(`migration from version ${version} failed`, {
      cause: error,
    });
  }
}

function raisedVersion(data: Record<string, unknown>, before: number): number {
  const after = schemaVersionOf(data);
  if (after <= before) {
    throw new StoreMigrationError(
      `migration from version ${before} did not raise the version`,
    );
  }

  return after;
}
