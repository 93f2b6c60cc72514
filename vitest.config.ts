import { defineConfig } from 'vitest/config';

// One config for every test: pipeline, metrics, API, web logic and the Chromium end-to-end suite.
// Forks, not threads: DuckDB's native binding and one-instance-per-file rule want a process per file.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    env: { UV_THREADPOOL_SIZE: '16' },
  },
});
