import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    env: { NO_PROXY: '127.0.0.1,localhost' },
    // Generous: a scenario waits on its events, and on a busy machine a retry can take minutes to come due.
    testTimeout: 600_000,
    hookTimeout: 60_000,
    // The scenarios start servers and child processes of their own; one file at a time keeps a shared
    // 2-core machine from turning their retries into timeouts.
    fileParallelism: false,
  },
});
