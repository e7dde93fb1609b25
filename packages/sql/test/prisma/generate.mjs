// Generates the tests' Prisma client (no model: the Prisma port runs raw statements) into
// test/generated/prisma (gitignored), once per Prisma version and schema.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');
const version = JSON.parse(readFileSync(join(dirname(prismaCli), '..', 'package.json'), 'utf8')).version;
const schema = join(here, 'schema.prisma');
const generated = join(here, '..', 'generated');
const stamp = createHash('sha256').update(version).update(readFileSync(schema)).digest('hex');
const stampFile = join(generated, '.stamp');
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) process.exit(0);

const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
// `prisma generate` never runs the schema engine, but the CLI wants one on disk and downloads it when
// missing; where nothing can be downloaded, any existing file satisfies that check.
if (env.PRISMA_SCHEMA_ENGINE_BINARY === undefined && !schemaEngineInstalled()) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
mkdirSync(generated, { recursive: true });
writeFileSync(join(generated, '.gitignore'), '*\n');
const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schema], { env, encoding: 'utf8' });
if (result.status !== 0) {
  process.stderr.write(result.stdout + result.stderr);
  process.exit(result.status ?? 1);
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
