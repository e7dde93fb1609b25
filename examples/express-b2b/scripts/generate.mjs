// Generates the app's two Prisma clients, generated/sqlite and generated/postgresql (gitignored): a Prisma
// schema fixes its provider, so the app keeps one schema folder per database and picks a client at startup.
// Runs before typecheck, test and start; does nothing when the schemas and Prisma's version are unchanged.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');
const prismaVersion = JSON.parse(readFileSync(join(dirname(prismaCli), '..', 'package.json'), 'utf8')).version;
const providers = ['sqlite', 'postgresql'];
const generated = join(root, 'generated');

const hash = createHash('sha256').update(prismaVersion);
for (const provider of providers) {
  for (const file of ['schema.prisma', 'scim.prisma']) hash.update(readFileSync(join(root, 'prisma', provider, file)));
}
const stamp = hash.digest('hex');
const stampFile = join(generated, '.stamp');
const complete = providers.every((provider) => existsSync(join(generated, provider, 'client.ts')));
if (complete && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) process.exit(0);

const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
// `prisma generate` never runs the schema engine, but the CLI wants one on disk and downloads it when it is
// missing. Where nothing can be downloaded, any existing file passes that check; a machine that has the engine
// (or can download it) keeps Prisma's normal path.
if (env.PRISMA_SCHEMA_ENGINE_BINARY === undefined && !schemaEngineInstalled()) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}

mkdirSync(generated, { recursive: true });
for (const provider of providers) {
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', join('prisma', provider)], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    process.exit(result.status ?? 1);
  }
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
