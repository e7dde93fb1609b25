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
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    env: { NO_PROXY: '127.0.0.1,localhost' },
    // The database suites share servers with each other and with other packages: one file at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
