import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // axios (inside @scalekit-sdk/node) honours HTTP_PROXY; the simulator is on loopback.
    env: { NO_PROXY: '127.0.0.1,localhost' },
    testTimeout: 20_000,
  },
});
