import { defineConfig } from 'tsup';

export default defineConfig({
  // index is the programmatic entry (defineConfig, run); bin/scim.mjs imports dist/index.js.
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['@scim/core'],
});
