// Generates the test apps' Prisma clients (test/generated/<provider>/client, gitignored): the test
// app's own schema plus the shipped fragment, exactly as an app combines them.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');

const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
// `prisma generate` does not use the schema engine, but the CLI insists on finding one and downloads it
// when missing. Where no download is possible, any existing file satisfies the check; a machine that has
// (or can download) the engine keeps the normal path.
if (env.PRISMA_SCHEMA_ENGINE_BINARY === undefined && !engineInstalled()) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}

for (const provider of ['postgresql', 'mysql', 'sqlite']) {
  const out = join(root, 'test', 'generated', provider);
  const schemaDir = join(out, 'schema');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(schemaDir, { recursive: true });
  cpSync(join(root, 'test', 'schema', `${provider}.prisma`), join(schemaDir, 'app.prisma'));
  cpSync(join(root, 'prisma', provider, 'scim.prisma'), join(schemaDir, 'scim.prisma'));
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schemaDir], {
    cwd: out,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    process.exit(result.status ?? 1);
  }
}
writeFileSync(join(root, 'test', 'generated', '.gitignore'), '*\n');

function engineInstalled() {
  try {
    const enginesDir = dirname(require.resolve('@prisma/engines/package.json', { paths: [dirname(prismaCli)] }));
    return readdirSync(enginesDir).some((name) => name.startsWith('schema-engine')) && existsSync(enginesDir);
  } catch {
    return false;
  }
}
