/**
 * The benchmark's output: one table on stdout and the same results as
 * JSON in test-results/bench.json, for CI to keep.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';

import { type Summary } from './stats';

/**
 * Whether a measurement met DESIGN.md's number ("Numbers to beat"); `info`
 * for a figure that explains another and has no target of its own.
 */
export type Verdict = 'pass' | 'MISS' | 'ERROR' | 'info';

/** One row of the table. */
export interface BenchResult {
  name: string;
  unit: 'ms' | 'kB';
  /** Timings: median and p95 over `runs`. */
  summary?: Summary;
  /** A single value (sizes). */
  value?: number;
  /** The number to stay under, in `unit`; none for `info` rows. */
  target?: number;
  verdict: Verdict;
  /** What the interval covers, or why the row has no value. */
  note: string;
  /** Extra figures behind the row (phases, counts), for the JSON. */
  details?: Record<string, unknown>;
}

/** A row for a measurement that could not be taken. */
export function failedResult(
  name: string,
  unit: BenchResult['unit'],
  target: number | undefined,
  error: unknown,
): BenchResult {
  const reason = error instanceof Error ? error.message : String(error);

  return {
    name,
    unit,
    target,
    verdict: 'ERROR',
    note: `not measured: ${reason}`,
  };
}

/**
 * A warning when other work competes for the cores: timings taken then
 * include waiting for a core, and say more about the machine than the app.
 */
export function busyMachineWarning(): string | undefined {
  const [oneMinute = 0] = loadavg();
  const cores = cpus().length;
  if (oneMinute <= cores) return undefined;

  return (
    `warning: load average ${oneMinute.toFixed(1)} on ${cores} cores; ` +
    'wall-clock timings include waiting for a core (see the CPU times).'
  );
}

/** Pass when the measured figure is under the target. */
export function verdictFor(measured: number, target: number): Verdict {
  return measured < target ? 'pass' : 'MISS';
}

const HEADERS = [
  'measurement',
  'runs',
  'median',
  'p95 / value',
  'target',
  'verdict',
];

/** Prints the table, then each row's note under it. */
export function printTable(results: readonly BenchResult[]): void {
  const rows = results.map(cellsOf);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');

  console.log(line(HEADERS));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  rows.forEach((row) => console.log(line(row)));
  console.log('');
  results.forEach((result, i) => console.log(`[${i + 1}] ${result.note}`));
}

function cellsOf(result: BenchResult, index: number): string[] {
  const figure = (value: number | undefined) =>
    value === undefined ? '-' : `${value.toFixed(2)} ${result.unit}`;
  const { summary } = result;

  return [
    `[${index + 1}] ${result.name}`,
    summary ? String(summary.runs) : result.value === undefined ? '-' : '1',
    figure(summary?.median),
    figure(summary?.p95 ?? result.value),
    result.target === undefined ? '-' : `< ${result.target} ${result.unit}`,
    result.verdict,
  ];
}

/** Writes the results, with the machine they ran on, as JSON. */
export async function writeJson(
  path: string,
  results: readonly BenchResult[],
): Promise<void> {
  const report = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpuCount: cpus().length,
    loadAverage: loadavg(),
    results,
  };

  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
