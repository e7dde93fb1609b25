import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'adapter/index': 'src/adapter/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // One copy of each module across the entry points, in both formats: an `AdapterError` thrown through
  // `@scim/core/adapter` is an instance of the `ScimError` that `@scim/core` exports.
  splitting: true,
});
