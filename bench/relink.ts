/**
 * The save step of a connect flow when 500 accounts are already linked:
 * `accounts.link` re-linking one of them in place. The connect-flow row
 * runs over a store of one account; this row shows what the same step
 * costs in a full store. It has no target of its own: it is part of the
 * connect flow's 20 ms.
 */
import { silentLogger } from '../electron/core/logger';
import { systemClock } from '../electron/core/types';
import { openInstalinkStorage } from '../electron/storage/index';
import { createTestCipher } from '../test/support/test-cipher';
import { BENCH_HISTORY_MS, benchAccount } from './accounts-fixture';
import { type BenchResult } from './report';
import { repeat, summarize, timed } from './stats';

const PLAN = { warmups: 3, runs: 20 };

/** Times re-links of existing accounts in the store in `dataDir`. */
export async function benchRelink(
  dataDir: string,
  count: number,
): Promise<BenchResult> {
  const storage = openInstalinkStorage({
    dataDir,
    cipher: createTestCipher(),
    clock: systemClock,
    logger: silentLogger,
  });
  const start = systemClock.now() - BENCH_HISTORY_MS;
  let next = 0;
  const samples = await repeat(PLAN, () => {
    const account = benchAccount((next += 7) % count, start);
    return timed(() => storage.accounts.link(account));
  });
  const summary = summarize(samples.map((s) => s.ms));
  const cpu = summarize(samples.map((s) => s.cpuMs));

  return {
    name: `save step, ${count} linked`,
    unit: 'ms',
    summary,
    verdict: 'info',
    note:
      `accounts.link() re-linking one account of a ${count}-account store ` +
      '(encrypt, one atomic write of the file, listeners), as the ' +
      `connect flow's last step would. Process CPU time: median ` +
      `${cpu.median.toFixed(2)} ms. Part of row [1]'s budget, which ` +
      'is measured over a one-account store.',
    details: { processCpuMs: cpu },
  };
}
