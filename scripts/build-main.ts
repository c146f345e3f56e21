import { build, type BuildOptions } from 'esbuild';

/**
 * Bundles the main process and the preload into CommonJS files. The
 * preload runs sandboxed, where Electron allows no require of local files,
 * so it must be one self-contained bundle; electron itself stays external.
 */
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'info',
};

await build({
  ...common,
  entryPoints: ['electron/main.ts'],
  outfile: 'dist/main/main.cjs',
});

await build({
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: 'dist/main/preload.cjs',
});
