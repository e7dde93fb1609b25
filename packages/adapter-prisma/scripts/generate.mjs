// Generates the test apps' Prisma clients into test/generated/<provider>/client (gitignored): the test
// app's own schema plus the shipped fragment, combined the way an app combines them. Skips the work
// when the inputs have not changed since the last run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');
const prismaVersion = JSON.parse(readFileSync(join(dirname(prismaCli), '..', 'package.json'), 'utf8')).version;
const generated = join(root, 'test', 'generated');
const providers = ['postgresql', 'mysql', 'sqlite'];

const inputs = providers.flatMap((provider) => [
  join(root, 'test', 'schema', `${provider}.prisma`),
  join(root, 'prisma', provider, 'scim.prisma'),
]);
const hash = createHash('sha256').update(prismaVersion);
for (const file of inputs) hash.update(readFileSync(file));
const stamp = hash.digest('hex');
const stampFile = join(generated, '.stamp');
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) process.exit(0);

const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
// `prisma generate` never runs the schema engine, but the CLI wants one on disk and downloads it when
// missing. Where nothing can be downloaded, any existing file satisfies that check; a machine that has
// the engine, or can download it, keeps Prisma's normal path.
if (env.PRISMA_SCHEMA_ENGINE_BINARY === undefined && !schemaEngineInstalled()) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}

mkdirSync(generated, { recursive: true });
writeFileSync(join(generated, '.gitignore'), '*\n');
for (const provider of providers) {
  // Built beside the target, then swapped in, so that a reader never sees half a client.
  const work = join(generated, `.${provider}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'schema'), { recursive: true });
  cpSync(join(root, 'test', 'schema', `${provider}.prisma`), join(work, 'schema', 'app.prisma'));
  cpSync(join(root, 'prisma', provider, 'scim.prisma'), join(work, 'schema', 'scim.prisma'));
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', join(work, 'schema')], {
    cwd: work,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    rmSync(work, { recursive: true, force: true });
    process.exit(result.status ?? 1);
  }
  rmSync(join(generated, provider), { recursive: true, force: true });
  renameSync(work, join(generated, provider));
}
writeFileSync(stampFile, stamp);

function schemaEngineInstalled() {
  try {
    const engines = dirname(require.resolve('@prisma/engines', { paths: [dirname(prismaCli)] }));
    return readdirSync(join(engines, '..')).some((name) => name.startsWith('schema-engine'));
  } catch {
    return false;
  }
}
