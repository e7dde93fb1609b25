import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['@scim/core'],
  // The schema files are bundled as text: `applySqlSchema` needs no file system at run time.
  loader: { '.sql': 'text' },
});
