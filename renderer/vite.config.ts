import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the renderer into dist/renderer. `base: './'` keeps every asset
 * path relative, so the page loads the same from the app's own protocol,
 * from a file and from the tests' static server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Chromium supports modulepreload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
  },
});
