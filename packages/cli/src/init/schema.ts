import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CliError } from '../errors.js';
import type { Project } from './project.js';
import type { Style } from './render.js';

/** A file `scim init` writes: its path relative to the app's root and its whole new content. */
export interface FileChange {
  path: string;
  content: string;
  /** What the file is for, in the summary. */
  why: string;
}

export interface SchemaStep {
  changes: FileChange[];
  /** The command the user runs to migrate, in the app's terms. */
  migrate: string[];
  /** Said when the schema step cannot be completed yet (the adapter is not installed for a dry run). */
  pending?: string;
  /** Why nothing needs migrating, for an ORM without migrations (Mongoose). */
  noMigration?: string;
}

const PRISMA_MARKER = '// @scim bookkeeping (added by scim init';

/** Where the installed adapter package lives in the app, or undefined before it is installed. */
function packageDir(root: string, name: string): string | undefined {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** With --packages-from, the package in the SDK's checkout (before it is installed, for a dry run). */
function checkoutDir(checkout: string | undefined, dir: string): string | undefined {
  const path = checkout === undefined ? undefined : join(checkout, 'packages', dir);
  return path !== undefined && existsSync(join(path, 'package.json')) ? path : undefined;
}

function run(project: Project, command: string): string {
  const exec = { pnpm: 'pnpm', npm: 'npx', yarn: 'yarn', bun: 'bunx' }[project.packageManager];
  return `${exec} ${command}`;
}

/** The app's own script for a job, when it has one by a usual name (`db:migrate`, `generate`). */
function script(project: Project, names: string[]): string | undefined {
  const scripts = project.packageJson.scripts ?? {};
  const name = names.find((candidate) => scripts[candidate] !== undefined);
  if (name === undefined) return undefined;
  return `${project.packageManager === 'npm' ? 'npm run' : project.packageManager} ${name}`;
}

const MIGRATE_SCRIPTS = ['db:migrate', 'migrate', 'db:deploy', 'migrate:deploy'];

function stamp(now: Date, plusSeconds: number): string {
  const d = new Date(now.getTime() + plusSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/**
 * Prisma: the adapter's schema fragment appended to the app's schema (between markers, so a second run sees it),
 * and its SQL migrations copied into the app's migrations folder under new timestamps, for
 * `prisma migrate deploy`, or the app's own migrate script.
 */
function prismaStep(project: Project, now: Date, checkout: string | undefined): SchemaStep {
  if (project.orm?.kind !== 'prisma') throw new Error('not a Prisma app');
  const { provider, schemaPath, migrationsDir } = project.orm;
  const migrate = [
    script(project, MIGRATE_SCRIPTS) ?? run(project, 'prisma migrate deploy'),
    script(project, ['prisma:generate', 'db:generate', 'generate']) ?? run(project, 'prisma generate'),
  ];
  const schema = readFileSync(join(project.root, schemaPath), 'utf8');
  const existing = existsSync(join(project.root, migrationsDir)) ? readdirSync(join(project.root, migrationsDir)) : [];
  const hasFragment = schema.includes(PRISMA_MARKER);
  // Every migration the adapter ships, in order (the same names for each database).
  const shipped = ['scim_bookkeeping', 'scim_links', 'scim_server', 'scim_sql'];
  const missing = shipped.filter((name) => !existing.some((folder) => folder.endsWith(`_${name}`)));
  if (hasFragment && missing.length === 0) return { changes: [], migrate };

  const adapter = packageDir(project.root, '@scim/adapter-prisma') ?? checkoutDir(checkout, 'adapter-prisma');
  if (adapter === undefined) {
    return {
      changes: [],
      migrate,
      pending: `the bookkeeping models and migrations are copied from @scim/adapter-prisma once it is installed (${schemaPath}, ${migrationsDir}/)`,
    };
  }
  const changes: FileChange[] = [];
  if (!hasFragment) {
    const fragment = readFileSync(join(adapter, 'prisma', provider, 'scim.prisma'), 'utf8');
    changes.push({
      path: schemaPath,
      content: `${schema.trimEnd()}\n\n${PRISMA_MARKER} from @scim/adapter-prisma/prisma/${provider}/scim.prisma)\n${fragment.trimEnd()}\n`,
      why: "@scim's bookkeeping models",
    });
  }
  const sourceDir = join(adapter, 'prisma', provider, 'migrations');
  const folders = readdirSync(sourceDir).sort();
  missing.forEach((name, index) => {
    const folder = folders.find((f) => f.endsWith(`_${name}`));
    if (folder === undefined) throw new CliError(`@scim/adapter-prisma ships no ${name} migration for ${provider}`);
    changes.push({
      path: join(migrationsDir, `${stamp(now, index)}_${name}`, 'migration.sql'),
      content: readFileSync(join(sourceDir, folder, 'migration.sql'), 'utf8'),
      why: `migration: ${name.replace('_', ' ')}`,
    });
  });
  return { changes, migrate };
}

/**
 * Drizzle: the adapter's table definitions re-exported from the app's schema module, so drizzle-kit generates
 * their migration with the app's own tables.
 */
function drizzleStep(project: Project, style: Style): SchemaStep {
  if (project.orm?.kind !== 'drizzle') throw new Error('not a Drizzle app');
  const { dialect, schemaPath } = project.orm;
  const subpath = `@scim/adapter-drizzle/${dialect}`;
  const migrate = [
    script(project, ['db:generate', 'drizzle:generate']) ?? run(project, 'drizzle-kit generate'),
    script(project, MIGRATE_SCRIPTS) ?? run(project, 'drizzle-kit migrate'),
  ];
  const line =
    style.esm || /\.[cm]?ts$/.test(schemaPath ?? '')
      ? `export * from '${subpath}';`
      : `Object.assign(module.exports, require('${subpath}'));`;
  const comment = "// @scim's bookkeeping tables (scim init): drizzle-kit migrates them with the app's own.";
  if (schemaPath === undefined || /[*{]/.test(schemaPath) || !existsSync(join(project.root, schemaPath))) {
    return {
      changes: [],
      migrate,
      pending: `add \`${line}\` to the schema module drizzle-kit reads (drizzle.config: schema)`,
    };
  }
  const path = join(project.root, schemaPath);
  if (!existsSync(path) || !/\.[cm]?[jt]s$/.test(schemaPath)) {
    return { changes: [], migrate, pending: `add \`${line}\` to your Drizzle schema module` };
  }
  const schema = readFileSync(path, 'utf8');
  if (schema.includes(subpath)) return { changes: [], migrate };
  return {
    changes: [
      { path: schemaPath, content: `${schema.trimEnd()}\n\n${comment}\n${line}\n`, why: "@scim's bookkeeping tables" },
    ],
    migrate,
  };
}

export function schemaStep(project: Project, style: Style, now: Date, checkout?: string): SchemaStep {
  switch (project.orm?.kind) {
    case 'prisma':
      return prismaStep(project, now, checkout);
    case 'drizzle':
      return drizzleStep(project, style);
    case 'mongoose':
      // The adapter registers its own models on the connection; adapter.ready() builds their indexes.
      return {
        changes: [],
        migrate: [],
        noMigration:
          'No migration with Mongoose: @scim/adapter-mongoose creates its scim_* collections and their indexes itself, once your app has connected (scimAdapter.ready(), or on first use).',
      };
    default:
      return { changes: [], migrate: [] };
  }
}
