import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    env: { NO_PROXY: '127.0.0.1,localhost' },
    // The HTTP tests wait on answers, not on time; the limit only has to survive a machine busy with other work.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
