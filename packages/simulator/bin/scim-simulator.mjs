#!/usr/bin/env node
// The `scim-simulator` bin. It lives outside dist/ so that pnpm links it at install time, before
// the package is built (a bin inside dist/ gives "Failed to create bin" warnings and no bin).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('scim-simulator: @scim/simulator is not built yet (no dist/). Run `pnpm build` first.\n');
  process.exit(1);
}
await import(entry.href);
