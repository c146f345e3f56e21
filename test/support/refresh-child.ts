/**
 * A process that refreshes one account and is meant to be killed while
 * the refresh is in flight (tokens-scheduler test, "killed mid-refresh").
 *
 * Usage: `node --import tsx test/support/refresh-child.ts '<json>'` with
 * the JSON of `RefreshChildInput`. Prints `refresh-sent <pid>` on stdout
 * just before the refresh request goes out, then waits for the answer.
 */
import { pathToFileURL } from 'node:url';

import { type Logger } from '../../electron/core/logger';
import { type Clock, type ProviderEndpoints } from '../../electron/core/types';
import { createInstagramClient } from '../../electron/instagram/client';
import { openInstalinkStorage } from '../../electron/storage/index';
import { createRefreshScheduler } from '../../electron/tokens/refresh-scheduler';
import { createTestCipher } from './test-cipher';

/** What the parent test passes, as one JSON argument. */
export interface RefreshChildInput {
  dataDir: string;
  endpoints: ProviderEndpoints;
  appId: string;
  /** The sandbox's public App Secret; the refresh itself never sends it. */
  appSecret: string;
  /** The fixed clock time of this process (ms). */
  now: number;
  userId: string;
}

/** The line printed once the refresh request is about to be sent. */
export const REFRESH_SENT = 'refresh-sent';

const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLogger,
};

async function main(input: RefreshChildInput): Promise<void> {
  const clock: Clock = { now: () => input.now };
  const storage = openInstalinkStorage({
    dataDir: input.dataDir,
    cipher: createTestCipher(),
    clock,
    logger: quietLogger,
  });
  const client = createInstagramClient({
    endpoints: input.endpoints,
    appId: input.appId,
    readAppSecret: () => input.appSecret,
    timeouts: { connectMs: 60_000, headersMs: 60_000, bodyMs: 60_000 },
  });
  const scheduler = createRefreshScheduler({
    accounts: storage.accounts,
    api: {
      refreshLongLived: (token) => {
        process.stdout.write(`${REFRESH_SENT} ${process.pid}\n`);
        return client.refreshLongLived(token);
      },
    },
    clock,
    logger: quietLogger,
  });

  await scheduler.refreshNow(input.userId);
  await client.close();
}

// Runs only as a script, so that tests can import the names above.
if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  await main(JSON.parse(process.argv[2] ?? '{}') as RefreshChildInput);
}
