import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    env: { NO_PROXY: '127.0.0.1,localhost' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
