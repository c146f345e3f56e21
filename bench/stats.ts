/**
 * Small statistics for the benchmark: run a step a number of times after
 * a few warm-ups, and summarise the timings.
 */
import { performance } from 'node:perf_hooks';

/** The middle and the tail of a set of timings, in milliseconds. */
export interface Summary {
  runs: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** How many times to run a step, not counting warm-ups. */
export interface RunPlan {
  warmups: number;
  runs: number;
}

/**
 * Runs `once` for the warm-ups (results dropped: JIT, first connections,
 * file cache) and then for the measured runs, one after the other;
 * returns the measured runs' results.
 */
export async function repeat<T>(
  plan: RunPlan,
  once: () => Promise<T> | T,
): Promise<T[]> {
  for (let i = 0; i < plan.warmups; i += 1) await once();

  const samples: T[] = [];
  for (let i = 0; i < plan.runs; i += 1) samples.push(await once());

  return samples;
}

/** A synchronous step's result, wall time and this process's CPU time. */
export interface Timed<T> {
  value: T;
  ms: number;
  cpuMs: number;
}

/**
 * Times a synchronous step with the monotonic clock, and the CPU time the
 * process spent meanwhile: on a busy machine wall time includes waiting
 * for a core, CPU time does not.
 */
export function timed<T>(step: () => T): Timed<T> {
  const cpu = cpuMeter();
  const start = performance.now();
  const value = step();

  return { value, ms: performance.now() - start, cpuMs: cpu() };
}

/** Starts counting this process's CPU time; call the result to read it. */
export function cpuMeter(): () => number {
  const start = process.cpuUsage();

  return () => {
    const { user, system } = process.cpuUsage(start);
    return (user + system) / 1000;
  };
}

/** Median and 95th percentile (nearest rank) of the samples. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples to summarise');
  const sorted = [...samples].sort((a, b) => a - b);

  return {
    runs: sorted.length,
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    min: sorted[0]!,
    max: sorted.at(-1)!,
  };
}

/** Nearest-rank percentile of an ascending list; the median averages two. */
function percentile(sorted: readonly number[], fraction: number): number {
  const n = sorted.length;
  if (fraction === 0.5 && n % 2 === 0) {
    return (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  }

  return sorted[Math.max(0, Math.ceil(fraction * n) - 1)]!;
}
