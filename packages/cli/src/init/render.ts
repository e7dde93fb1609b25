import { dirname, relative } from 'node:path';
import type { DbHandle, Project } from './project.js';
import type { ParamInfo } from './source.js';
import type { FoundFunction, UserFunctions } from './user-functions.js';

/** How the files `scim init` writes look: the app's language, module system and import style. */
export interface Style {
  typescript: boolean;
  /** ESM syntax (TypeScript sources always are). */
  esm: boolean;
  /** Relative imports end in `.js` (NodeNext, plain ESM) or carry no extension. */
  extensions: boolean;
}

export const WEBHOOK_PATH = '/webhooks/scalekit';

export function integrationPath(project: Project, style: Style): string {
  const ext = style.typescript ? 'ts' : project.moduleType === 'esm' ? 'js' : 'js';
  return project.sourceDir === '' ? `scim.${ext}` : `${project.sourceDir}/scim.${ext}`;
}

export function configPath(style: Style, project: Project): string {
  if (style.typescript) return 'scim.config.ts';
  return project.moduleType === 'esm' ? 'scim.config.js' : 'scim.config.cjs';
}

/** The specifier that imports `target` from `from` (both relative to the root), in the app's style. */
export function specifier(from: string, target: string, style: Style): string {
  let path = relative(dirname(from), target).split('\\').join('/');
  if (!path.startsWith('.')) path = `./${path}`;
  path = path.replace(/\.(ts|mts|cts)$/, (ext) => ({ '.ts': '.js', '.mts': '.mjs', '.cts': '.cjs' })[ext]!);
  if (!style.extensions) path = path.replace(/\.(js|ts)$/, '');
  return path;
}

/** The expression the written files use for the app's database handle. */
export function dbExpression(db: DbHandle): string {
  return db.package ? `${db.name}.connection` : db.name;
}

/** The line that imports the app's database handle into `from`: its own module, or Mongoose's default export. */
export function dbImport(from: string, db: DbHandle, style: Style): string {
  if (db.package)
    return style.esm ? `import ${db.name} from '${db.file}';` : `const ${db.name} = require('${db.file}');`;
  const path = specifier(from, db.file, style);
  return style.esm ? `import { ${db.name} } from '${path}';` : `const { ${db.name} } = require('${path}');`;
}

const FIELD_VALUES: [RegExp, string][] = [
  [/^e?mail(Address)?$/i, 'email'],
  [/^(name|fullName|displayName)$/i, 'fullName(user)'],
  [/^(firstName|givenName)$/i, 'user.givenName ?? undefined'],
  [/^(lastName|familyName|surname)$/i, 'user.familyName ?? undefined'],
  [/^department$/i, 'user.department ?? undefined'],
  [/^(title|jobTitle)$/i, 'user.title ?? undefined'],
  [/^(organizationId|orgId|tenantId|organization)$/i, 'ctx.organizationId'],
  [/^externalId$/i, 'user.externalId ?? undefined'],
  [/^employeeId$/i, 'user.employeeId ?? undefined'],
  [/^(active|isActive)$/i, 'user.active'],
  [/^roles$/i, 'user.roles ?? []'],
];

/** The object literal handed to the app's function for its input parameter, and what stays unmapped. */
function inputObject(param: ParamInfo, indent: string): { code: string; unmapped: string[] } {
  const fields = param.fields ?? ['email', 'name'];
  const lines: string[] = [];
  const unmapped: string[] = [];
  for (const field of fields) {
    const value = FIELD_VALUES.find(([pattern]) => pattern.test(field))?.[1];
    if (value === undefined) unmapped.push(field);
    else lines.push(value === field ? `${field}` : `${field}: ${value}`);
  }
  if (lines.length === 0) return { code: '{}', unmapped };
  return { code: `{\n${lines.map((line) => `${indent}  ${line},`).join('\n')}\n${indent}}`, unmapped };
}

/** `textIds`: the app's ids are text whatever they look like (Mongoose's ObjectId strings, some all digits). */
function idExpression(param: ParamInfo, textIds: boolean): string {
  if (param.idType === 'number') return 'Number(id)';
  if (param.idType === 'string' || textIds) return 'id';
  return 'appId(id)';
}

interface Call {
  code: string;
  unmapped: string[];
  /** The function takes no database handle: its writes are outside the SDK's transaction. */
  outsideTransaction: boolean;
}

function call(fn: FoundFunction, style: Style, indent: string, textIds: boolean): Call {
  const unmapped: string[] = [];
  const args = fn.params.map((param, index) => {
    switch (param.role) {
      case 'db':
        return style.typescript ? `ctx.tx as unknown as Parameters<typeof ${fn.name}>[${index}]` : 'ctx.tx';
      case 'id':
        return idExpression(param, textIds);
      case 'input': {
        const input = inputObject(param, indent);
        unmapped.push(...input.unmapped);
        return input.code;
      }
      default:
        return 'undefined';
    }
  });
  return {
    code: `${fn.name}(${args.join(', ')})`,
    unmapped,
    outsideTransaction: !fn.params.some((param) => param.role === 'db'),
  };
}

export interface RenderedModule {
  code: string;
  notes: string[];
}

/** The integration module: the engine over the app's ORM, its user functions, and the webhook route. */
export function renderIntegration(project: Project, style: Style, functions: UserFunctions): RenderedModule {
  const path = integrationPath(project, style);
  const ts = style.typescript;
  const notes: string[] = [];
  const imports: { from: string; names: string[] }[] = [];
  const orm = project.orm!;
  const db = project.db!;

  const adapter =
    orm.kind === 'prisma'
      ? { from: '@scim/adapter-prisma', name: 'prismaAdapter', call: `prismaAdapter(${db.name})` }
      : orm.kind === 'drizzle'
        ? { from: '@scim/adapter-drizzle', name: 'drizzleAdapter', call: `drizzleAdapter(${db.name})` }
        : { from: '@scim/adapter-mongoose', name: 'mongooseAdapter', call: `mongooseAdapter(${dbExpression(db)})` };
  imports.push({ from: '@scim/core', names: ['createScimEngine', 'UserRejection'] });
  imports.push({ from: adapter.from, names: [adapter.name] });
  if (project.framework.kind === 'express') imports.push({ from: '@scim/http-express', names: ['scimRouter'] });
  if (project.framework.kind === 'fastify') imports.push({ from: '@scim/http-fastify', names: ['scimWebhookPlugin'] });
  const byFile = new Map<string, string[]>();
  for (const fn of Object.values(functions)) {
    if (fn === undefined) continue;
    byFile.set(fn.file, [...new Set([...(byFile.get(fn.file) ?? []), fn.name])]);
  }
  for (const [file, names] of byFile) imports.push({ from: specifier(path, file, style), names: names.sort() });

  const indent = '      ';
  const textIds = orm.kind === 'mongoose';
  const create = call(functions.create!, style, indent, textIds);
  const update = call(functions.update!, style, indent, textIds);
  const deactivate = call(functions.deactivate!, style, indent, textIds);
  const reactivate = functions.reactivate ? call(functions.reactivate, style, indent, textIds) : undefined;
  for (const [name, c] of [
    [functions.create!.name, create],
    [functions.update!.name, update],
    [functions.deactivate!.name, deactivate],
  ] as const) {
    if (c.unmapped.length > 0) notes.push(`${name}: no directory attribute for ${c.unmapped.join(', ')}; left out`);
    if (c.outsideTransaction) {
      notes.push(`${name} takes no database handle: its writes are not part of the SDK's transaction`);
    }
  }
  const needsAppId = [create, update, deactivate, reactivate].some((c) => c?.code.includes('appId(id)'));
  const needsFullName = [create, update, reactivate].some((c) => c?.code.includes('fullName(user)'));
  const needsEmail = [create, update, reactivate].some((c) => /\bemail\b/.test(c?.code ?? ''));

  const lines: string[] = [];
  lines.push(
    '// Directory sync, added by `scim init`: the engine applies each directory change (a Scalekit webhook or a',
    "// reconcile) through this app's own user functions, in one transaction with the SDK's bookkeeping.",
    '// The SCALEKIT_* variables come from the environment (see .env.example). Review the mapping below, then',
    '// run `scim doctor`.',
  );
  const importLine = ({ from, names }: { from: string; names: string[] }) =>
    style.esm
      ? `import { ${names.join(', ')} } from '${from}';`
      : `const { ${names.join(', ')} } = require('${from}');`;
  // The app's handle goes after the packages, before the app's own modules.
  const packages = imports.filter(({ from }) => !from.startsWith('.'));
  const local = imports.filter(({ from }) => from.startsWith('.'));
  lines.push(...packages.map(importLine), dbImport(path, db, style), ...local.map(importLine));
  if (orm.kind === 'mongoose') {
    lines.push(
      '',
      '// Mongoose needs no migration: the adapter registers its scim_* models on this connection and builds their',
      '// indexes itself on first use, once the app has connected (`await scimAdapter.ready()` after connecting does',
      "// it at startup). ctx.tx is the session of the SDK's transaction on a replica set or behind a mongos, and",
      '// undefined on a standalone mongod (no transactions there: your functions should be safe to run again).',
    );
  }
  lines.push('');
  if (ts) {
    lines[lines.findIndex((line) => line.includes("from '@scim/core'"))] =
      project.framework.kind === 'none'
        ? "import { createScimEngine, type ProvisionedUser, UserRejection, type WebhookRequest } from '@scim/core';"
        : "import { createScimEngine, type ProvisionedUser, UserRejection } from '@scim/core';";
  }
  lines.push(...helperLines(style, { fullName: needsFullName, email: needsEmail, appId: needsAppId }));
  lines.push(
    "/** What the app's create function returned: the new user's id, or the user itself. */",
    `function createdId(created${ts ? ': unknown' : ''})${ts ? ': string | number' : ''} {`,
    "  if (typeof created === 'string' || typeof created === 'number') return created;",
    `  const id = ${ts ? '(created as { id?: unknown } | null | undefined)?.id' : 'created?.id'};`,
    "  if (typeof id === 'string' || typeof id === 'number') return id;",
    `  throw new Error('${functions.create!.name} returned no id');`,
    '}',
    '',
  );
  const email = (code: string) => code.replace(/(\n\s+)email,/, '$1email: emailOf(user),');
  const engineDecl = style.esm ? 'export const scimEngine' : 'const scimEngine';
  if (orm.kind === 'mongoose') {
    lines.push(`${style.esm ? 'export const' : 'const'} scimAdapter = ${adapter.call};`, '');
  }
  lines.push(
    `${engineDecl} = createScimEngine({`,
    `  adapter: ${orm.kind === 'mongoose' ? 'scimAdapter' : adapter.call},`,
    '  users: {',
  );
  lines.push(
    '    async create(user, ctx) {',
    `      return createdId(await ${email(create.code)});`,
    '    },',
    '    async update(id, user, ctx) {',
    `      await ${email(update.code)};`,
    '    },',
    '    async deactivate(id, ctx) {',
    `      await ${deactivate.code};`,
    '    },',
  );
  if (reactivate) {
    const uses = /\buser\b/.test(reactivate.code);
    lines.push(
      `    async reactivate(id, ${uses ? 'user' : '_user'}, ctx) {`,
      `      await ${email(reactivate.code)};`,
      '    },',
    );
  }
  lines.push('  },', '});', '');
  const extraExports = orm.kind === 'mongoose' ? ['scimAdapter'] : [];
  return { code: finishModule([...lines, ...webhookLines(project, style, extraExports)], style), notes };
}

/**
 * The helpers the written module's mapping calls, in the app's language: `fullName(user)`, `emailOf(user)` (which
 * refuses a user without an email) and `appId(id)`. Both integration modules (user functions, table mapping) take
 * them from here, so that the emitted code is written in one place.
 */
export function helperLines(style: Style, needs: { fullName?: boolean; email?: boolean; appId?: boolean }): string[] {
  const ts = style.typescript;
  const userType = ts ? ': ProvisionedUser' : '';
  const lines: string[] = [];
  if (needs.fullName) {
    lines.push(
      `function fullName(user${userType})${ts ? ': string | undefined' : ''} {`,
      "  return user.displayName || [user.givenName, user.familyName].filter(Boolean).join(' ') || undefined;",
      '}',
      '',
    );
  }
  if (needs.email) {
    lines.push(
      '/** A directory user without an email is refused (recorded as rejected, replayable), not retried. */',
      `function emailOf(user${userType})${ts ? ': string' : ''} {`,
      "  if (!user.email) throw new UserRejection('the directory user has no email');",
      '  return user.email;',
      '}',
      '',
    );
  }
  if (needs.appId) {
    lines.push(
      "/** The SDK keeps the app's user id as text; numeric ids go back to numbers. */",
      `function appId(id${ts ? ': string' : ''}) {`,
      '  return /^\\d+$/.test(id) ? Number(id) : id;',
      '}',
      '',
    );
  }
  return lines;
}

/** The webhook route of the integration module, for the app's framework, and its CommonJS exports. */
export function webhookLines(project: Project, style: Style, extraExports: string[] = []): string[] {
  const ts = style.typescript;
  const lines: string[] = [];
  if (project.framework.kind === 'express') {
    lines.push(
      `/** Scalekit's webhook: mount it before any body parser, e.g. app.use('${WEBHOOK_PATH}', scimWebhook). */`,
      `${style.esm ? 'export const' : 'const'} scimWebhook = scimRouter(scimEngine);`,
    );
  } else if (project.framework.kind === 'fastify') {
    lines.push(
      `/** Scalekit's webhook: app.register(scimWebhookPlugin, { engine: scimEngine, prefix: '${WEBHOOK_PATH}' }). */`,
      style.esm ? 'export { scimWebhookPlugin };' : '',
    );
  } else {
    lines.push(
      '/**',
      " * Scalekit's webhook for any framework: hand it the request's headers and raw body (the exact bytes, before any",
      ' * JSON parser), then answer with its status and its body as JSON (400: a bad signature; 5xx: Scalekit retries).',
      ' */',
      ts
        ? `export async function handleScimWebhook(headers: WebhookRequest['headers'], rawBody: string | Uint8Array) {`
        : `${style.esm ? 'export ' : ''}async function handleScimWebhook(headers, rawBody) {`,
      '  return scimEngine.handleWebhook({ headers, rawBody });',
      '}',
    );
  }
  if (!style.esm) {
    const names = ['scimEngine', ...extraExports];
    if (project.framework.kind === 'express') names.push('scimWebhook');
    if (project.framework.kind === 'fastify') names.push('scimWebhookPlugin');
    if (project.framework.kind === 'none') names.push('handleScimWebhook');
    lines.push('', `module.exports = { ${names.join(', ')} };`);
  }
  return lines;
}

/** The module's text: no double blank lines, and `'use strict'` in CommonJS. */
export function finishModule(lines: string[], style: Style): string {
  const code = `${lines
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n')
    .trimEnd()}\n`;
  return style.esm ? code : `'use strict';\n\n${code}`;
}

/**
 * Drizzle drivers whose client (a pool, or postgres-js' sql) ends with `end()`, not `close()`: a pool left open keeps
 * a `scim` command's process alive and its connections held after the command is done.
 */
const POOLED_DRIVERS = new Set(['pg', 'postgres', '@neondatabase/serverless', 'mysql2']);

/** The app's scim.config, the module every other `scim` command loads. */
export function renderConfig(project: Project, style: Style, port: number | undefined): string {
  const db = project.db!;
  const integration = specifier('scim.config.ts', integrationPath(project, style), style);
  const handle = dbExpression(db);
  const close =
    project.orm?.kind === 'prisma'
      ? `${handle}.$disconnect()`
      : project.orm?.kind === 'drizzle'
        ? `${handle}.$client.${POOLED_DRIVERS.has(project.orm.driver) ? 'end()' : 'close?.()'}`
        : `${handle}.close()`;
  const url = `http://localhost:${port ?? 3000}${WEBHOOK_PATH}`;
  const lines = style.esm
    ? [
        "import { defineConfig } from '@scim/cli';",
        dbImport('scim.config.ts', db, style),
        `import { scimEngine } from '${integration}';`,
        '',
        '// Read by `scim doctor`, `scim sync`, `scim status`, `scim events` and `scim replay`.',
        'export default defineConfig({',
      ]
    : [
        "'use strict';",
        '',
        "const { defineConfig } = require('@scim/cli');",
        dbImport('scim.config.ts', db, style),
        `const { scimEngine } = require('${integration}');`,
        '',
        '// Read by `scim doctor`, `scim sync`, `scim status`, `scim events` and `scim replay`.',
        'module.exports = defineConfig({',
      ];
  if (project.orm?.kind === 'mongoose') {
    // The commands run without the app's startup code, which is where a Mongoose app usually connects.
    const env = db.uriEnv ?? 'MONGODB_URI';
    lines.push(
      '  engine: async () => {',
      `    if (${handle}.readyState === 0) {`,
      `      const uri = process.env.${env};`,
      `      if (!uri) throw new Error('${env} is not set: the scim commands connect to MongoDB with it');`,
      `      await ${handle}.openUri(uri);`,
      '    }',
      '    return scimEngine;',
      '  },',
    );
  } else {
    lines.push('  engine: () => scimEngine,');
  }
  lines.push(
    `  webhookUrl: process.env.SCIM_WEBHOOK_URL ?? '${url}',`,
    '  close: async () => {',
    `    await ${close};`,
    '  },',
    '});',
  );
  return `${lines.join('\n')}\n`;
}
