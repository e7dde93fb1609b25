import { ScimError } from '@scim/core';
import type { PrismaProvider, PrismaQueryable } from './options.js';
import { quoteIdentifier } from './sql.js';

/** The parts of Prisma's runtime data model the adapter reads: field -> column names (`@map`, `@@map`). */
interface RuntimeField {
  name: string;
  kind: string;
  type: string;
  dbName?: string | null;
}

interface RuntimeModel {
  dbName?: string | null;
  schema?: string | null;
  fields: RuntimeField[];
}

export interface RuntimeDataModel {
  models: Record<string, RuntimeModel>;
}

export interface ModelField {
  name: string;
  column: string;
  type: string;
}

/** The app's user model, resolved to SQL names. */
export interface UserModel {
  /** The model name (`User`) and its client property (`user`). */
  name: string;
  delegate: string;
  /** The quoted, schema-qualified table name (also a valid PostgreSQL regclass literal). */
  table: string;
  fields: Map<string, ModelField>;
  organizationId: ModelField;
  userId: ModelField;
  /** The email field account linking matches on; null when the mapping names none. */
  email: ModelField | null;
}

/** The names a mapping gives the model's key and email fields. */
export interface UserModelNames {
  model: string;
  organizationId: string;
  userId: string;
  email?: string;
  roles?: string | ((roles: string[]) => unknown);
}

export function readDataModel(client: object): RuntimeDataModel {
  const model = (client as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
  if (model === undefined || typeof model.models !== 'object') {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      'prismaAdapter: this Prisma client has no runtime data model; pass the PrismaClient instance itself',
    );
  }
  return model;
}

export function readProvider(client: object): PrismaProvider {
  const raw = (client as { _activeProvider?: string })._activeProvider;
  if (raw === 'postgresql' || raw === 'postgres' || raw === 'cockroachdb') return 'postgresql';
  if (raw === 'mysql') return 'mysql';
  if (raw === 'sqlite') return 'sqlite';
  throw new ScimError(
    'CONFIGURATION_ERROR',
    `prismaAdapter: cannot tell the database provider of this client (${String(raw)}); pass \`provider\``,
  );
}

export function resolveUserModel(
  dataModel: RuntimeDataModel,
  provider: PrismaProvider,
  names: UserModelNames,
): UserModel {
  const { model: name } = names;
  const model = dataModel.models[name];
  if (model === undefined) {
    throw new ScimError('CONFIGURATION_ERROR', `prismaAdapter: the client has no model named ${name}`);
  }
  const fields = new Map<string, ModelField>();
  for (const field of model.fields) {
    if (field.kind !== 'scalar' && field.kind !== 'enum') continue;
    fields.set(field.name, { name: field.name, column: field.dbName ?? field.name, type: field.type });
  }
  const pick = (field: string, role: string): ModelField => {
    const found = fields.get(field);
    if (found === undefined) {
      throw new ScimError(
        'CONFIGURATION_ERROR',
        `prismaAdapter: ${role} field ${field} is not a scalar field of ${name}`,
      );
    }
    return found;
  };
  const email = names.email === undefined ? null : pick(names.email, 'email');
  if (email !== null && email.type !== 'String') {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      `prismaAdapter: the email field ${email.name} of ${name} is not a String`,
    );
  }
  // Only PostgreSQL has String[] lists, told apart from a String by the column's type at the first write.
  if (typeof names.roles === 'string') {
    const roles = pick(names.roles, 'roles');
    if (roles.type !== 'Json' && (provider !== 'postgresql' || roles.type !== 'String')) {
      throw new ScimError(
        'CONFIGURATION_ERROR',
        `prismaAdapter: roles field ${roles.name} of ${name} cannot take a list of roles: use a String[] (PostgreSQL) or Json field, or a function`,
      );
    }
  }
  const tableName = model.dbName ?? name;
  const table =
    (model.schema ? `${quoteIdentifier(provider, model.schema)}.` : '') + quoteIdentifier(provider, tableName);
  return {
    name,
    delegate: name.charAt(0).toLowerCase() + name.slice(1),
    table,
    fields,
    organizationId: pick(names.organizationId, 'organizationId'),
    userId: pick(names.userId, 'userId'),
    email,
  };
}

/** PostgreSQL column types of a table (`format_type`), for the casts of multi-row updates. */
export async function readPostgresColumnTypes(db: PrismaQueryable, regclass: string): Promise<Map<string, string>> {
  const rows = await db.$queryRawUnsafe<{ name: string; type: string }[]>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    regclass,
  );
  return new Map(rows.map((row) => [row.name, row.type]));
}
