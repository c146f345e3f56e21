/**
 * `npm run bench`: measures DESIGN.md's "Numbers to beat" with the real
 * code, prints one table and writes test-results/bench.json. Exits 1 only
 * when a measurement could not be taken; a missed target is reported, not
 * failed. Everything it talks to listens on 127.0.0.1.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import {
  BENCH_ACCOUNT_COUNT,
  buildAccountsStore,
  copyAccountsStore,
} from './accounts-fixture';
import { benchConnectFlow, CONNECT_TARGET_MS } from './connect-flow';
import { benchRelink } from './relink';
import { benchRendererList, RENDERER_LIST_TARGET_MS } from './renderer-list';
import { benchRendererSize, RENDERER_JS_TARGET_KB } from './renderer-size';
import {
  type BenchResult,
  busyMachineWarning,
  failedResult,
  printTable,
  writeJson,
} from './report';
import { benchStartup, STARTUP_TARGET_MS } from './startup';
import { timed } from './stats';

const RESULTS_PATH = join('test-results', 'bench.json');
const COUNT = BENCH_ACCOUNT_COUNT;

/** A measurement's row, or an ERROR row saying why it has none. */
async function measure(
  name: string,
  unit: BenchResult['unit'],
  target: number | undefined,
  run: () => Promise<BenchResult>,
): Promise<BenchResult> {
  console.log(`measuring: ${name}…`);
  try {
    return await run();
  } catch (error) {
    return failedResult(name, unit, target, error);
  }
}

/** Builds the 500-account store once; its path, or why it failed. */
function buildStore(workDir: string): string | Error {
  try {
    const built = timed(() =>
      buildAccountsStore(join(workDir, 'accounts'), COUNT),
    );
    console.log(
      `built a ${COUNT}-account store in ${(built.ms / 1000).toFixed(1)} s ` +
        '(not measured)',
    );
    return built.value;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Fails the measurement when the store it needs could not be built. */
function withStore(
  store: string | Error,
  run: (storePath: string) => Promise<BenchResult>,
): () => Promise<BenchResult> {
  return () => (store instanceof Error ? Promise.reject(store) : run(store));
}

/** Re-links in a copy, so the other rows read the store as built. */
async function relinkInCopy(
  storePath: string,
  workDir: string,
): Promise<BenchResult> {
  const dataDir = join(workDir, 'relink');
  await mkdir(dataDir);
  await copyAccountsStore(storePath, dataDir);

  return benchRelink(dataDir, COUNT);
}

async function runAll(workDir: string): Promise<BenchResult[]> {
  const store = buildStore(workDir);

  return [
    await measure('connect flow, app work', 'ms', CONNECT_TARGET_MS, () =>
      benchConnectFlow(),
    ),
    await measure(
      `start-up, ${COUNT} accounts`,
      'ms',
      STARTUP_TARGET_MS,
      withStore(store, (path) => benchStartup(dirname(path), COUNT)),
    ),
    await measure('renderer JS, gzipped', 'kB', RENDERER_JS_TARGET_KB, () =>
      benchRendererSize(),
    ),
    await measure(
      `renderer, ${COUNT} accounts drawn`,
      'ms',
      RENDERER_LIST_TARGET_MS,
      withStore(store, (path) => benchRendererList(path, COUNT)),
    ),
    await measure(
      `save step, ${COUNT} linked`,
      'ms',
      undefined,
      withStore(store, (path) => relinkInCopy(path, workDir)),
    ),
  ];
}

async function main(): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'instalink-bench-'));
  let results: BenchResult[];
  try {
    results = await runAll(workDir);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  console.log('');
  printTable(results);
  const warning = busyMachineWarning();
  if (warning) console.log(`\n${warning}`);
  await writeJson(RESULTS_PATH, results);
  console.log(`\nresults written to ${RESULTS_PATH}`);
  process.exitCode = results.some((r) => r.verdict === 'ERROR') ? 1 : 0;
}

await main();
