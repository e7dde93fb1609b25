import { type DrizzleTableSource, KEY_COLUMNS, prismaModels } from './users-table.js';

/**
 * The table mapping keys each row by (organization id, directory user id), unique together: the two columns the
 * adapters' READMEs ask for, added to the app's users model or table when it has not got them. Nullable, so that
 * the rows the app creates itself need neither.
 */

type Provider = 'sqlite' | 'postgresql' | 'mysql';

/** The Prisma schema with the two key fields and their unique pair added to `model`, and the migration's SQL. */
export function prismaKeys(schema: string, model: string, provider: Provider): { schema: string; sql: string } {
  const found = prismaModels(schema).find((m) => m.name === model);
  if (found === undefined) throw new Error(`no model ${model}`);
  const table = /@@map\(\s*"([^"]+)"\s*\)/.exec(found.body)?.[1] ?? model;
  const { organizationId, userId } = KEY_COLUMNS;
  const fields = [
    "  // The directory's keys, for @scim's table mapping (scim init)",
    `  ${organizationId} String?`,
    `  ${userId}         String?`,
  ].join('\n');
  const unique = `  @@unique([${organizationId}, ${userId}])`;
  // The fields go after the model's last field (before its block attributes), the unique pair at its end.
  const bodyStart = found.end - 1 - found.body.length;
  const attributes = /\n[ \t]*@@/.exec(found.body);
  const fieldsAt = bodyStart + (attributes ? attributes.index : found.body.trimEnd().length);
  const head = schema.slice(0, fieldsAt).trimEnd();
  const between = schema.slice(fieldsAt, found.end - 1).trimEnd();
  const next = `${head}\n${fields}${between === '' ? '\n' : `\n${between}\n`}${attributes ? '' : '\n'}${unique}${schema.slice(found.end - 1)}`;
  // Prisma's own names and types, so that `prisma migrate dev` later finds no drift.
  const q = provider === 'mysql' ? (name: string) => `\`${name}\`` : (name: string) => `"${name}"`;
  const type = provider === 'mysql' ? 'VARCHAR(191) NULL' : 'TEXT';
  const index = `${table}_${organizationId}_${userId}_key`;
  const sql = [
    '-- AlterTable',
    `ALTER TABLE ${q(table)} ADD COLUMN ${q(organizationId)} ${type};`,
    `ALTER TABLE ${q(table)} ADD COLUMN ${q(userId)} ${type};`,
    '',
    '-- CreateIndex',
    `CREATE UNIQUE INDEX ${q(index)} ON ${q(table)}(${q(organizationId)}, ${q(userId)});`,
    '',
  ].join('\n');
  return { schema: next, sql };
}

const CORE: Record<'pg' | 'sqlite' | 'mysql', string> = {
  pg: 'drizzle-orm/pg-core',
  sqlite: 'drizzle-orm/sqlite-core',
  mysql: 'drizzle-orm/mysql-core',
};

/**
 * The Drizzle schema module with the two key columns and a unique index added to the table; undefined when the
 * table already has a third argument or the dialect's builders are not imported by name (init then says what to
 * add by hand).
 */
export function drizzleKeys(
  source: string,
  found: DrizzleTableSource,
  dialect: 'pg' | 'sqlite' | 'mysql',
  tableName: string,
): string | undefined {
  const rest = source.slice(found.columnsClose + 1, found.callClose);
  if (rest.trim() !== '' && rest.trim() !== ',') return undefined;
  const importPattern = new RegExp(
    `\\{([^}]*)\\}\\s*(?:from\\s*|=\\s*require\\(\\s*)['"]${CORE[dialect].replace('/', '\\/')}['"]`,
  );
  const imported = importPattern.exec(source);
  if (imported === null) return undefined;
  const { organizationId, userId } = KEY_COLUMNS;
  const builder = dialect === 'mysql' ? 'varchar' : 'text';
  const args = dialect === 'mysql' ? ', { length: 191 }' : '';
  const indent = /\n([ \t]+)\w/.exec(source.slice(found.columnsOpen, found.columnsClose))?.[1] ?? '  ';
  const head = source.slice(0, found.columnsClose).trimEnd();
  const columns = [
    `${indent}// The directory's keys, for @scim's table mapping (scim init)`,
    `${indent}${organizationId}: ${builder}('scim_organization_id'${args}),`,
    `${indent}${userId}: ${builder}('scim_user_id'${args}),`,
  ].join('\n');
  const index = `(t) => [uniqueIndex('${tableName}_scim_key').on(t.${organizationId}, t.${userId})]`;
  let next = `${head}${head.endsWith(',') || head.endsWith('{') ? '' : ','}\n${columns}\n}, ${index})${source.slice(found.callClose + 1)}`;
  const names = imported[1]!
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const wanted = [builder, 'uniqueIndex'].filter((name) => !names.includes(name));
  if (wanted.length > 0) {
    const list = [...names, ...wanted].sort((a, b) => a.localeCompare(b)).join(', ');
    next = next.replace(importPattern, (whole, inner: string) => whole.replace(`{${inner}}`, `{ ${list} }`));
  }
  return next;
}
