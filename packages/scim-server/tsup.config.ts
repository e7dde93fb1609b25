import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', vectors: 'src/vectors/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['@scim/core', 'scim-patch', 'scim2-parse-filter'],
});
