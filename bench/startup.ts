/**
 * Start-up with 500 linked accounts: a fresh open of the store file and
 * the first account list, as the app does before its window can show
 * anything. Tokens must stay encrypted until used (DESIGN.md, "Numbers
 * to beat"), so each open gets a fresh counting cipher.
 */
import { silentLogger } from '../electron/core/logger';
import { systemClock } from '../electron/core/types';
import { openInstalinkStorage } from '../electron/storage/index';
import { createTestCipher } from '../test/support/test-cipher';
import { type BenchResult, verdictFor } from './report';
import { cpuMeter, repeat, summarize, timed } from './stats';

/** Under 50 ms (DESIGN.md, "Numbers to beat"). */
export const STARTUP_TARGET_MS = 50;

const PLAN = { warmups: 3, runs: 30 };

/** One start-up's timings, in milliseconds, and what it did. */
interface StartupSample {
  totalMs: number;
  cpuMs: number;
  openMs: number;
  listMs: number;
  decryptCalls: number;
  listed: number;
}

/** Times fresh opens of the store in `dataDir` holding `expected` accounts. */
export async function benchStartup(
  dataDir: string,
  expected: number,
): Promise<BenchResult> {
  const samples = await repeat(PLAN, () => openAndList(dataDir));

  return startupResult(samples, expected);
}

/** One start-up: open the file, build the stores, list the accounts. */
function openAndList(dataDir: string): StartupSample {
  const cipher = createTestCipher();
  const cpu = cpuMeter();
  const open = timed(() =>
    openInstalinkStorage({
      dataDir,
      cipher,
      clock: systemClock,
      logger: silentLogger,
    }),
  );
  const list = timed(() => open.value.accounts.list());

  return {
    totalMs: open.ms + list.ms,
    cpuMs: cpu(),
    openMs: open.ms,
    listMs: list.ms,
    decryptCalls: cipher.decryptCalls,
    listed: list.value.length,
  };
}

function startupResult(
  samples: readonly StartupSample[],
  expected: number,
): BenchResult {
  const summary = summarize(samples.map((s) => s.totalMs));
  const decryptCalls = samples.reduce((sum, s) => sum + s.decryptCalls, 0);
  const listed = Math.min(...samples.map((s) => s.listed));
  if (listed !== expected) {
    throw new Error(`the store listed ${listed} accounts, not ${expected}`);
  }

  const median = (key: keyof StartupSample) =>
    summarize(samples.map((s) => s[key])).median;
  const shown = (key: keyof StartupSample) => median(key).toFixed(2);

  return {
    name: `start-up, ${expected} accounts`,
    unit: 'ms',
    summary,
    target: STARTUP_TARGET_MS,
    verdict:
      decryptCalls === 0
        ? verdictFor(summary.median, STARTUP_TARGET_MS)
        : 'MISS',
    note:
      `openInstalinkStorage + accounts.list() on a ${expected}-account ` +
      'store file (OS file cache warm), a fresh test cipher each time. ' +
      `Decrypt calls over all runs: ${decryptCalls} (must be 0). Medians: ` +
      `open ${shown('openMs')} ms, first list ${shown('listMs')} ms, ` +
      `process CPU time ${shown('cpuMs')} ms.`,
    details: {
      decryptCalls,
      openMedianMs: median('openMs'),
      listMedianMs: median('listMs'),
      cpuMedianMs: median('cpuMs'),
    },
  };
}
