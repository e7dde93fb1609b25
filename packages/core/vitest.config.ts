import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    env: { NO_PROXY: '127.0.0.1,localhost' },
    // Property runs take under a second alone; on a busy shared 2-core machine they can take several.
    testTimeout: 30_000,
  },
});
