#!/usr/bin/env node
// The `scim` bin. It lives outside dist/ so that pnpm can link it before the package is built;
// it loads the built CLI and says what to do when there is none yet.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('scim: @scim/cli is not built yet (no dist/). Run `pnpm build` in the repository first.\n');
  process.exit(1);
}
const { run } = await import(entry.href);
process.exitCode = await run(process.argv.slice(2));
