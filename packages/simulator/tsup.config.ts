import { defineConfig } from 'tsup';

export default defineConfig({
  // cli is the `scim-simulator` bin; only index has type declarations.
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
