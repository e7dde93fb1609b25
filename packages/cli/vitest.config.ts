import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests wait on events, not on time; these limits only catch a hang. A busy 2-core machine (CI with a
    // CPU hog beside it) can make a step that takes 1 s alone take a minute.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The fixture apps have their own tests, run by the init test inside each app.
    exclude: ['test/fixtures/**', '**/node_modules/**'],
    env: { NO_PROXY: '127.0.0.1,localhost' },
    globalSetup: ['test/build-bin.ts'],
  },
});
