import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { envChanges } from './env-files.js';
import { mountWebhook } from './mount.js';
import type { Project } from './project.js';
import { configPath, integrationPath, renderConfig, renderIntegration, type Style } from './render.js';
import { type FileChange, schemaStep } from './schema.js';
import { usesImportExtensions } from './source.js';
import { type FoundTable, tableStep } from './table-fallback.js';
import type { UserFunctions } from './user-functions.js';

/** How the engine writes the app's users: through its own functions, or through a mapping of its users table. */
export type UserLayer = { kind: 'functions'; functions: UserFunctions } | { kind: 'table'; found: FoundTable };

export interface Plan {
  changes: FileChange[];
  /** The commands that migrate the bookkeeping tables, in the app's terms. */
  migrate: string[];
  /** Why there is nothing to migrate (Mongoose), said where the migrate step would be. */
  noMigration?: string | undefined;
  /** What the user does by hand: lines to add where init could not edit safely, a step it could not finish. */
  manual: string[];
  notes: string[];
}

/** The style of the files init writes, read from the app's entry file (or its first source file). */
export function styleOf(project: Project): Style {
  const sample = project.entry ?? [...project.modules.keys()][0];
  const text = sample === undefined ? '' : readFileSync(join(project.root, sample), 'utf8');
  const esm = project.typescript || project.moduleType === 'esm' || /^\s*import\s/m.test(text);
  return {
    typescript: project.typescript,
    esm,
    // CommonJS resolves './db' by itself; ESM needs the extension unless a bundler or tsx says otherwise.
    extensions: esm ? usesImportExtensions(text) : false,
  };
}

function port(project: Project): number | undefined {
  for (const file of project.modules.keys()) {
    const text = readFileSync(join(project.root, file), 'utf8');
    const match =
      /PORT\s*(?:\?\?|\|\|)\s*['"]?(\d{2,5})/.exec(text) ?? /\.listen\(\s*(?:\{\s*port:\s*)?(\d{2,5})/.exec(text);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** Everything init would write, computed from the app as it is now; nothing is written here. */
export function makePlan(project: Project, users: UserLayer, now: Date, checkout?: string): Plan {
  if (project.orm === undefined) {
    throw new CliError('no Prisma, Drizzle or Mongoose found in package.json', {
      hint: '@scim keeps its bookkeeping in your database through your ORM: install one of them first.',
    });
  }
  if (project.db === undefined) {
    throw new CliError(`found ${project.orm.kind} but no module that exports its client`, {
      hint:
        project.orm.kind === 'prisma'
          ? 'Export your client from one module, e.g. `export const prisma = new PrismaClient(...)` in src/db.ts.'
          : 'Export your database from one module, e.g. `export const db = drizzle(...)` in src/db.ts.',
    });
  }
  const style = styleOf(project);
  const changes: FileChange[] = [...envChanges(project.root)];
  const manual: string[] = [];
  const notes: string[] = [];

  const schema = schemaStep(project, style, now, checkout);
  changes.push(...schema.changes);
  if (schema.pending !== undefined) manual.push(schema.pending);

  const integration = integrationPath(project, style);
  const rendered =
    users.kind === 'functions'
      ? { ...renderIntegration(project, style, users.functions), manual: [] }
      : tableStep(project, style, users.found, changes, now);
  manual.push(...rendered.manual);
  if (!existsSync(join(project.root, integration))) {
    changes.push({
      path: integration,
      content: rendered.code,
      why:
        users.kind === 'functions'
          ? 'the engine, your user functions, the webhook route'
          : 'the engine, the mapping of your users table, the webhook route',
    });
    notes.push(...rendered.notes);
  }
  const config = configPath(style, project);
  if (!existsSync(join(project.root, config))) {
    changes.push({
      path: config,
      content: renderConfig(project, style, port(project)),
      why: 'for the other scim commands',
    });
  }

  if (project.entry === undefined) {
    if (project.framework.kind === 'none') {
      manual.push(
        `No Express or Fastify app found: call handleScimWebhook(headers, rawBody) from ${integration} in your POST /webhooks/scalekit route, with the raw body (before any JSON parser), and answer with its { status, body }.`,
      );
    } else {
      manual.push(
        `Mount the webhook in the file that creates your ${project.framework.kind} app (see ${integration}).`,
      );
    }
  } else {
    const code = readFileSync(join(project.root, project.entry), 'utf8');
    const mount = mountWebhook(project, style, project.entry, code);
    if (mount.kind === 'edited')
      changes.push({ path: project.entry, content: mount.code, why: 'the webhook route, mounted' });
    if (mount.kind === 'manual') {
      manual.push(`${mount.reason}; add to ${project.entry}:\n${mount.lines.map((line) => `    ${line}`).join('\n')}`);
    }
  }
  if (project.framework.kind === 'fastify' && project.framework.major < 5) {
    notes.push(`@scim/http-fastify needs Fastify 5 (found ${project.framework.major})`);
  }
  if (project.orm?.kind === 'drizzle' && project.orm.driver === '@electric-sql/pglite') {
    notes.push(
      'PGlite serves one process at a time (a second one opening its data directory corrupts it): stop the app ' +
        'before `scim sync`, `status`, `events`, `replay` or `doctor` (which then cannot probe the webhook route)',
    );
  }
  return { changes, migrate: schema.migrate, noMigration: schema.noMigration, manual, notes };
}
