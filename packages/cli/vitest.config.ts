import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    env: { NO_PROXY: '127.0.0.1,localhost' },
    globalSetup: ['test/build-bin.ts'],
    // A shared, busy machine: the simulator, SQLite and child processes take their time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
