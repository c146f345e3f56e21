import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Prints the renderer's gzipped JavaScript and fails the build above the
 * budget in DESIGN.md ("Numbers to beat": under 100 kB gzipped).
 */
const BUDGET_BYTES = 100 * 1024;
const assetsDir = join('dist', 'renderer', 'assets');

/** Gzipped size of every JavaScript file the renderer ships. */
function rendererJsGzipBytes(dir = assetsDir): number {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .reduce(
      (total, name) => total + gzipSync(readFileSync(join(dir, name))).length,
      0,
    );
}

const bytes = rendererJsGzipBytes();
const kilobytes = (bytes / 1024).toFixed(1);
console.log(`renderer JavaScript: ${kilobytes} kB gzipped (budget 100 kB)`);
if (bytes > BUDGET_BYTES) {
  console.error('renderer JavaScript is over budget');
  process.exit(1);
}
