import { defineConfig } from 'vitest/config';

// One runner for every suite: unit and integration tests run under Node,
// browser tests drive Debian's Chromium through Playwright from Node too.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser suites each launch Chromium; two cores cannot take more.
    maxWorkers: 2,
  },
});
