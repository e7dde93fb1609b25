import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The schema files as text, as the build's loader bundles them.
  plugins: [
    {
      name: 'sql-as-text',
      enforce: 'pre',
      load: (id) => (id.endsWith('.sql') ? `export default ${JSON.stringify(readFileSync(id, 'utf8'))};` : undefined),
    },
  ],
  test: {
    // Tests wait on events, not on time; these limits only catch a hang. A busy 2-core machine (CI with a
    // CPU hog beside it) can make a step that takes 1 s alone take a minute.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    env: { NO_PROXY: '127.0.0.1,localhost' },
    // The database suites share servers with each other and with other packages: one file at a time.
    fileParallelism: false,
  },
});
