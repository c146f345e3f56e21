/**
 * The renderer's JavaScript as a user's window loads it: every `.js` file
 * Vite wrote to dist/renderer/assets, each gzipped on its own.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { type BenchResult, verdictFor } from './report';

/**
 * Under 100 kB gzipped (DESIGN.md, "Numbers to beat"). A kB is 1024
 * bytes here, as in scripts/report-bundle.ts, the build's own check.
 */
export const RENDERER_JS_TARGET_KB = 100;

const ASSETS_DIR = join('dist', 'renderer', 'assets');

/** Sums the gzipped sizes of the built renderer's scripts. */
export async function benchRendererSize(): Promise<BenchResult> {
  const names = (await readdir(ASSETS_DIR)).filter((n) => n.endsWith('.js'));
  if (names.length === 0) throw new Error(`no .js file in ${ASSETS_DIR}`);

  const sizes = await Promise.all(names.map(gzippedSize));
  const bytes = sizes.reduce((sum, size) => sum + size, 0);
  const kilobytes = bytes / 1024;

  return {
    name: 'renderer JS, gzipped',
    unit: 'kB',
    value: kilobytes,
    target: RENDERER_JS_TARGET_KB,
    verdict: verdictFor(kilobytes, RENDERER_JS_TARGET_KB),
    note:
      `${bytes} bytes gzipped (node:zlib, default level) over ` +
      `${names.length} file(s) in ${ASSETS_DIR}: ${names.join(', ')}.`,
    details: { bytes, files: names },
  };
}

async function gzippedSize(name: string): Promise<number> {
  return gzipSync(await readFile(join(ASSETS_DIR, name))).length;
}
