import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from './project.js';
import type { Style } from './render.js';
import { renderTableIntegration } from './render-table.js';
import type { FileChange } from './schema.js';
import { drizzleKeys, prismaKeys } from './table-keys.js';
import {
  type ColumnMapping,
  type DrizzleTableSource,
  drizzleUsersTable,
  mapColumns,
  prismaUsersTable,
  type UsersTable,
} from './users-table.js';

/** The app's users table, where init found it: the fallback when the app has no user functions. */
export interface FoundTable {
  table: UsersTable;
  mapping: ColumnMapping;
  /** The file that defines it (Prisma's schema, Drizzle's schema module), relative to the root. */
  file: string;
  drizzle?: DrizzleTableSource;
}

/** Drizzle's schema module: the one of drizzle.config, else the app's module that defines a users table. */
function drizzleFiles(project: Project): string[] {
  const orm = project.orm;
  if (orm?.kind !== 'drizzle') return [];
  const configured = orm.schemaPath;
  if (configured !== undefined && !/[*{]/.test(configured) && existsSync(join(project.root, configured))) {
    return [configured];
  }
  return [...project.modules.keys()];
}

export function findUsersTable(project: Project): FoundTable | undefined {
  const orm = project.orm;
  if (orm?.kind === 'prisma') {
    const table = prismaUsersTable(readFileSync(join(project.root, orm.schemaPath), 'utf8'));
    return table && { table, mapping: mapColumns(table), file: orm.schemaPath };
  }
  for (const file of drizzleFiles(project)) {
    if (!/\.[cm]?[jt]s$/.test(file)) continue;
    const found = drizzleUsersTable(readFileSync(join(project.root, file), 'utf8'));
    if (found) return { table: found.table, mapping: mapColumns(found.table), file, drizzle: found };
  }
  return undefined;
}

/** Replaces the content of `path` among the changes, or adds a change for it. */
function edit(changes: FileChange[], root: string, path: string, why: string, next: (text: string) => string) {
  const pending = changes.find((change) => change.path === path);
  if (pending !== undefined) {
    pending.content = next(pending.content);
    pending.why = `${pending.why}; ${why}`;
    return;
  }
  changes.push({ path, content: next(readFileSync(join(root, path), 'utf8')), why });
}

function stamp(now: Date): string {
  // After the bookkeeping migrations init copies (stamped now and now + 1 s).
  const d = new Date(now.getTime() + 2000);
  return d.toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * The fallback's changes: the two key columns added to the users table where it has not got them, and the
 * integration module with the table mapping. `changes` holds the plan's other changes (the schema file may be
 * among them), edited in place.
 */
export function tableStep(
  project: Project,
  style: Style,
  found: FoundTable,
  changes: FileChange[],
  now: Date,
): { code: string; notes: string[]; manual: string[] } {
  const manual: string[] = [];
  const orm = project.orm!;
  if (found.mapping.missingKeys.length > 0) {
    if (orm.kind === 'prisma') {
      const keys = prismaKeys(readFileSync(join(project.root, orm.schemaPath), 'utf8'), found.table.name, orm.provider);
      edit(
        changes,
        project.root,
        orm.schemaPath,
        `the directory's keys on ${found.table.name}`,
        (text) => prismaKeys(text, found.table.name, orm.provider).schema,
      );
      changes.push({
        path: join(orm.migrationsDir, `${stamp(now)}_scim_user_keys`, 'migration.sql'),
        content: keys.sql,
        why: `migration: the directory's keys on ${found.table.name}`,
      });
    } else if (orm.kind === 'drizzle') {
      const source = readFileSync(join(project.root, found.file), 'utf8');
      const next = drizzleKeys(source, found.drizzle!, orm.dialect, found.table.name);
      if (next === undefined) {
        manual.push(
          `add to ${found.table.name} in ${found.file} two nullable text columns, scimOrganizationId and scimUserId, and a unique index on the pair (see @scim/adapter-drizzle's README, "map your users table")`,
        );
      } else {
        // Drizzle's schema step appends to the end of the module; the table's offsets are the file's own.
        edit(changes, project.root, found.file, `the directory's keys on ${found.table.name}`, (text) =>
          text.startsWith(source) ? `${next}${text.slice(source.length)}` : next,
        );
      }
    }
  }
  const rendered = renderTableIntegration(
    project,
    style,
    found.table,
    found.mapping,
    orm.kind === 'drizzle' ? found.file : undefined,
  );
  return { ...rendered, manual };
}
