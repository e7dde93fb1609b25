import type { Project } from './project.js';
import { finishModule, helperLines, integrationPath, type Style, specifier, webhookLines } from './render.js';
import { type ColumnMapping, KEY_COLUMNS, type UsersTable } from './users-table.js';

export interface TableModule {
  code: string;
  notes: string[];
}

/** The value written to a column: a NOT NULL column is never given null (`undefined` leaves it as it is). */
function columnValue(field: ColumnMapping['fields'][number]): string {
  if (field.scim === 'email') return field.required ? 'emailOf(user)' : 'user.email ?? null';
  return `${field.value} ?? ${field.required ? 'undefined' : 'null'}`;
}

/**
 * The integration module of the fallback: the adapter writes the app's users table itself through a column
 * mapping (no user functions of the app run), and the webhook route.
 */
export function renderTableIntegration(
  project: Project,
  style: Style,
  table: UsersTable,
  mapping: ColumnMapping,
  /** Drizzle: the schema module that exports the table, relative to the root. */
  schemaFile: string | undefined,
): TableModule {
  const path = integrationPath(project, style);
  const ts = style.typescript;
  const orm = project.orm!;
  const db = project.db!;
  const prisma = orm.kind === 'prisma';
  const code = mapping.fields.map((field) => columnValue(field));
  const needsEmail = code.some((value) => value.includes('emailOf('));
  const needsFullName = code.some((value) => value.includes('fullName('));
  const core = ['createScimEngine', ...(ts && (needsEmail || needsFullName) ? ['type ProvisionedUser'] : [])];
  if (needsEmail) core.push('UserRejection');
  if (ts && project.framework.kind === 'none') core.push('type WebhookRequest');
  const imports: { from: string; names: string[] }[] = [
    { from: '@scim/core', names: core },
    prisma
      ? { from: '@scim/adapter-prisma', names: ['prismaAdapter'] }
      : { from: '@scim/adapter-drizzle', names: ['drizzleAdapter'] },
  ];
  if (project.framework.kind === 'express') imports.push({ from: '@scim/http-express', names: ['scimRouter'] });
  if (project.framework.kind === 'fastify') imports.push({ from: '@scim/http-fastify', names: ['scimWebhookPlugin'] });
  if (!prisma && schemaFile !== undefined && schemaFile !== db.file) {
    imports.push({ from: specifier(path, db.file, style), names: [db.name] });
    imports.push({ from: specifier(path, schemaFile, style), names: [table.name] });
  } else if (!prisma) {
    imports.push({ from: specifier(path, db.file, style), names: [db.name, table.name].sort() });
  } else {
    imports.push({ from: specifier(path, db.file, style), names: [db.name] });
  }

  const lines: string[] = [
    '// Directory sync, added by `scim init`: the app has no user functions, so the adapter writes its users table',
    "// directly through the column mapping below, in one transaction with the SDK's bookkeeping. The app's own",
    '// code (and its side effects) does not run for directory changes. The SCALEKIT_* variables come from the',
    '// environment (see .env.example). Review the mapping, then run `scim doctor`.',
    ...imports.map(({ from, names }) =>
      style.esm
        ? `import { ${names.join(', ')} } from '${from}';`
        : `const { ${names.map((name) => name.replace(/^type /, '')).join(', ')} } = require('${from}');`,
    ),
    '',
    ...helperLines(style, { fullName: needsFullName, email: needsEmail }),
  ];
  const adapter = prisma ? 'prismaAdapter' : 'drizzleAdapter';
  const engineDecl = style.esm ? 'export const scimEngine' : 'const scimEngine';
  lines.push(
    `${engineDecl} = createScimEngine({`,
    `  adapter: ${adapter}(${db.name}, {`,
    '    users: {',
    prisma ? `      model: '${table.name}',` : `      model: ${table.name},`,
    `      organizationId: '${KEY_COLUMNS.organizationId}',`,
    `      userId: '${KEY_COLUMNS.userId}',`,
    '      fields: (user) => ({',
    ...mapping.fields.map((field, i) => `        ${field.column}: ${code[i]},`),
    '      }),',
    mapping.active === undefined
      ? '      active: () => ({}), // no active column found: say here what (in)active means in your table'
      : `      active: '${mapping.active}',`,
    '    },',
    '  }),',
    '});',
    '',
  );
  return { code: finishModule([...lines, ...webhookLines(project, style)], style), notes: notesOf(table, mapping) };
}

/** What the output says about the mapping: which columns, which attributes left out, what a new row lacks. */
function notesOf(table: UsersTable, mapping: ColumnMapping): string[] {
  const notes: string[] = [];
  const mapped = mapping.fields.map((field) => `${field.column} <- ${field.scim}`);
  if (mapping.active !== undefined) mapped.push(`${mapping.active} <- active`);
  notes.push(`table mapping of ${table.name}: ${mapped.length > 0 ? mapped.join(', ') : 'no column mapped'}`);
  if (mapping.unmappedScim.length > 0) {
    notes.push(`directory attributes left unmapped (no column of that name): ${mapping.unmappedScim.join(', ')}`);
  }
  for (const column of mapping.unfilled) {
    notes.push(
      `${table.name}.${column} is NOT NULL without a default and nothing maps it: every new user will be rejected until you give it a value in fields() (then \`scim replay\`)`,
    );
  }
  for (const field of mapping.fields) {
    if (field.required && field.scim !== 'email') {
      notes.push(
        `${table.name}.${field.column} is NOT NULL: a new directory user without ${field.scim} is rejected (recorded, replayable)`,
      );
    }
  }
  return notes;
}
