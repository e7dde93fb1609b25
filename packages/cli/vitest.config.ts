import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The fixture apps have their own tests, run by the init test inside each app.
    exclude: ['test/fixtures/**', '**/node_modules/**'],
    env: { NO_PROXY: '127.0.0.1,localhost' },
  },
});
