import { ScimError, type UserWrite } from '@scim/core';
import type { UserPatch } from '@scim/core/adapter';
import type { PrismaProvider, PrismaQueryable } from './options.js';
import { chunk, listCost, quoteIdentifier, SqlBuilder } from './sql.js';
import type { ModelField, UserModel } from './user-model.js';

type Row = Record<string, unknown>;

/** The app's mapping with the model's row type erased: the adapter only moves values around. */
export interface ErasedUserMapping {
  model: string;
  organizationId: string;
  userId: string;
  email?: string;
  fields: (user: UserWrite) => Row;
  create?: (user: UserWrite) => Row;
  active: string | ((active: boolean) => Row);
  roles?: string | ((roles: string[]) => Row);
}

/** The model's `createMany`, as every generated delegate has it. */
interface CreateManyDelegate {
  createMany(args: { data: Row[] }): PromiseLike<unknown>;
}

/**
 * Writes directory users into the app's own model: `createMany` for new rows (so the model's Prisma
 * defaults such as `cuid()` and `@updatedAt` apply), one multi-row UPDATE per set of written fields for
 * existing rows. Nothing outside what the mapping returns is ever touched.
 */
export class UserWriter {
  private pgTypes: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly provider: PrismaProvider,
    readonly model: UserModel,
    private readonly mapping: ErasedUserMapping,
    private readonly loadPgTypes: (db: PrismaQueryable) => Promise<Map<string, string>>,
  ) {}

  /** Read through the caller's own client or transaction: another connection could wait on a full pool. */
  private types(db: PrismaQueryable): Promise<Map<string, string>> {
    this.pgTypes ??= this.loadPgTypes(db).catch((error: unknown) => {
      this.pgTypes = undefined;
      throw error;
    });
    return this.pgTypes;
  }

  private field(name: string): ModelField {
    const field = this.model.fields.get(name);
    if (field === undefined) {
      throw new ScimError('CONFIGURATION_ERROR', `prismaAdapter: ${this.model.name} has no scalar field ${name}`);
    }
    return field;
  }

  private activeData(active: boolean): Row {
    const { active: mapping } = this.mapping;
    return typeof mapping === 'function' ? mapping(active) : { [mapping]: active };
  }

  /** How roles are written, settled once per call (the column's type may need a look-up). */
  private async rolesData(db: PrismaQueryable): Promise<(roles: string[]) => Row> {
    const { roles: mapping } = this.mapping;
    if (mapping === undefined) return () => ({});
    if (typeof mapping === 'function') return mapping;
    const field = this.field(mapping);
    if (field.type === 'Json') return (roles) => ({ [mapping]: roles });
    if (this.provider === 'postgresql' && (await this.types(db)).get(field.column)?.endsWith('[]')) {
      return (roles) => ({ [mapping]: roles });
    }
    throw new ScimError(
      'CONFIGURATION_ERROR',
      `prismaAdapter: roles field ${mapping} of ${this.model.name} is a String, not a String[] list: roles need a String[] or Json field, or a function`,
    );
  }

  /** Every defined value of `source` onto `target`, except the two key fields. */
  private merge(target: Row, source: Row): void {
    const organizationKey = this.model.organizationId.name;
    const userKey = this.model.userId.name;
    for (const key in source) {
      const value = source[key];
      if (value === undefined || key === organizationKey || key === userKey) continue;
      target[key] = value;
    }
  }

  async upsert(db: PrismaQueryable, organizationId: string, users: readonly UserWrite[]): Promise<void> {
    if (users.length === 0) return;
    const byId = new Map<string, { user: UserWrite; data: Row }>();
    const rolesData = await this.rolesData(db);
    for (const user of users) {
      const data: Row = { ...byId.get(user.id)?.data };
      this.merge(data, this.mapping.fields(user));
      this.merge(data, this.activeData(user.active));
      if (user.roles !== undefined) this.merge(data, rolesData(user.roles));
      byId.set(user.id, { user, data });
    }
    const keys = (id: string) => ({ [this.model.organizationId.name]: organizationId, [this.model.userId.name]: id });
    if (this.mapping.create !== undefined && this.provider !== 'mysql') {
      // One conditional statement: INSERT ... ON CONFLICT (organizationId, userId) DO UPDATE of the mapped
      // fields only. (MySQL is left out: its ON DUPLICATE KEY UPDATE fires on any unique key of the table.)
      const rows: { row: Row; update: string[] }[] = [];
      for (const [id, { user, data }] of byId) {
        const row: Row = {};
        this.merge(row, this.mapping.create(user));
        this.merge(row, data);
        rows.push({ row: { ...row, ...keys(id) }, update: Object.keys(data) });
      }
      await this.insert(db, rows);
      return;
    }
    const existing = await this.existingIds(db, organizationId, [...byId.keys()]);
    const creates: Row[] = [];
    const updates: { id: string; data: Row }[] = [];
    for (const [id, { user, data }] of byId) {
      if (existing.has(id)) {
        updates.push({ id, data });
        continue;
      }
      const row: Row = {};
      if (this.mapping.create !== undefined) this.merge(row, this.mapping.create(user));
      this.merge(row, data);
      creates.push({ ...row, ...keys(id) });
    }
    if (creates.length > 0 && this.mapping.create !== undefined) {
      await this.insert(
        db,
        creates.map((row) => ({ row, update: null })),
      );
    } else if (creates.length > 0) {
      const delegate = (db as unknown as Record<string, CreateManyDelegate | undefined>)[this.model.delegate];
      if (delegate === undefined) {
        throw new ScimError('CONFIGURATION_ERROR', `prismaAdapter: the client has no delegate ${this.model.delegate}`);
      }
      await delegate.createMany({ data: creates });
    }
    await this.update(db, organizationId, updates);
  }

  /**
   * Rows in one multi-row INSERT per set of written fields (the app chose `create`, and with it raw SQL).
   * With `update`, an existing (organizationId, userId) row gets those fields instead (PostgreSQL, SQLite).
   */
  private async insert(db: PrismaQueryable, rows: { row: Row; update: string[] | null }[]): Promise<void> {
    const q = (name: string) => quoteIdentifier(this.provider, name);
    const groups = new Map<string, { fields: ModelField[]; update: string[] | null; rows: Row[] }>();
    for (const { row, update } of rows) {
      const names = Object.keys(row).sort();
      const updates = update === null ? null : [...update].sort();
      const key = `${names.join('\u0000')}|${updates === null ? '' : updates.join('\u0000')}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { fields: names.map((name) => this.field(name)), update: updates, rows: [] };
        groups.set(key, group);
      }
      group.rows.push(row);
    }
    for (const group of groups.values()) {
      const columns = group.fields.map((f) => q(f.column)).join(', ');
      let conflict = '';
      if (group.update !== null) {
        const target = `(${q(this.model.organizationId.column)}, ${q(this.model.userId.column)})`;
        const sets = group.update.map((name) => {
          const column = q(this.field(name).column);
          return `${column} = excluded.${column}`;
        });
        conflict = ` ON CONFLICT ${target} ${sets.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${sets.join(', ')}`}`;
      }
      if (this.provider === 'postgresql') {
        const arrays = await this.postgresColumns(db, group.fields, group.rows);
        if (arrays !== null) {
          const sql = new SqlBuilder(this.provider);
          const from = arrays.from(sql);
          await db.$executeRawUnsafe(
            `INSERT INTO ${this.model.table} (${columns}) SELECT ${arrays.select('v').join(', ')} FROM ${from}${conflict}`,
            ...sql.values,
          );
          continue;
        }
      }
      for (const part of chunk(group.rows, group.fields.length)) {
        const sql = new SqlBuilder(this.provider);
        const values = part
          .map((row) => `(${group.fields.map((f) => sql.param(this.rawValue(f, row[f.name]))).join(', ')})`)
          .join(', ');
        await db.$executeRawUnsafe(
          `INSERT INTO ${this.model.table} (${columns}) VALUES ${values}${conflict}`,
          ...sql.values,
        );
      }
    }
  }

  async patch(db: PrismaQueryable, organizationId: string, patches: readonly UserPatch[]): Promise<void> {
    const updates: { id: string; data: Row }[] = [];
    const rolesData = await this.rolesData(db);
    for (const patch of patches) {
      const data: Row = {};
      if (patch.active !== undefined) this.merge(data, this.activeData(patch.active));
      if (patch.roles !== undefined) this.merge(data, rolesData(patch.roles));
      if (Object.keys(data).length > 0) updates.push({ id: patch.id, data });
    }
    await this.update(db, organizationId, updates);
  }

  async delete(db: PrismaQueryable, organizationId: string, ids: readonly string[]): Promise<void> {
    const q = (name: string) => quoteIdentifier(this.provider, name);
    for (const part of chunk([...new Set(ids)], listCost(this.provider))) {
      const sql = new SqlBuilder(this.provider);
      const text = `DELETE FROM ${this.model.table} WHERE ${q(this.model.organizationId.column)} = ${sql.param(organizationId)} AND ${sql.in(q(this.model.userId.column), part)}`;
      await db.$executeRawUnsafe(text, ...sql.values);
    }
  }

  private async existingIds(db: PrismaQueryable, organizationId: string, ids: string[]): Promise<Set<string>> {
    const q = (name: string) => quoteIdentifier(this.provider, name);
    const found = new Set<string>();
    for (const part of chunk(ids, listCost(this.provider))) {
      const sql = new SqlBuilder(this.provider);
      const text = `SELECT ${q(this.model.userId.column)} AS id FROM ${this.model.table} WHERE ${q(this.model.organizationId.column)} = ${sql.param(organizationId)} AND ${sql.in(q(this.model.userId.column), part)}`;
      const rows = await db.$queryRawUnsafe<{ id: string }[]>(text, ...sql.values);
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  /** Existing rows, grouped by the set of fields written: one multi-row UPDATE per group. */
  private async update(db: PrismaQueryable, organizationId: string, rows: { id: string; data: Row }[]): Promise<void> {
    const groups = new Map<string, { fields: ModelField[]; rows: { id: string; data: Row }[] }>();
    for (const row of rows) {
      const names = Object.keys(row.data).sort();
      if (names.length === 0) continue;
      const key = names.join('\u0000');
      let group = groups.get(key);
      if (group === undefined) {
        group = { fields: names.map((name) => this.field(name)), rows: [] };
        groups.set(key, group);
      }
      group.rows.push(row);
    }
    for (const group of groups.values()) {
      const perRow = this.provider === 'mysql' ? 2 * group.fields.length + 1 : group.fields.length + 1;
      for (const part of chunk(group.rows, perRow)) await this.updateRows(db, organizationId, group.fields, part);
    }
  }

  /**
   * PostgreSQL: the rows as one array parameter per column, unnested (`FROM unnest($1::text[], ...) AS
   * v(c0, c1, ...)`), with `withKey` the directory user id first. Array columns travel as JSON text and are
   * rebuilt. Null when a value has no plain array form (bytes, decimals, objects outside Json fields):
   * the caller then binds every value on its own.
   */
  private async postgresColumns(
    db: PrismaQueryable,
    fields: ModelField[],
    rows: readonly ({ id: string; data: Row } | Row)[],
    withKey = false,
  ): Promise<{ from: (sql: SqlBuilder) => string; select: (alias: string) => string[] } | null> {
    const types = await this.types(db);
    const dataOf = (row: { id: string; data: Row } | Row): Row =>
      withKey ? (row as { data: Row }).data : (row as Row);
    const arrays: { values: unknown[]; type: string; rebuild: string | null }[] = [];
    if (withKey) arrays.push({ values: rows.map((row) => (row as { id: string }).id), type: 'text', rebuild: null });
    for (const field of fields) {
      const type = types.get(field.column) ?? 'text';
      const isArray = type.endsWith('[]');
      const values: unknown[] = [];
      for (const row of rows) {
        const value = this.rawValue(field, dataOf(row)[field.name]);
        if (value === null) values.push(null);
        else if (isArray && Array.isArray(value)) values.push(JSON.stringify(value));
        else if (value instanceof Date) values.push(value.toISOString());
        else if (typeof value === 'bigint') values.push(value.toString());
        else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
          values.push(value);
        else return null;
      }
      arrays.push({ values, type: isArray ? 'text' : type, rebuild: isArray ? type : null });
    }
    return {
      from: (sql) =>
        `unnest(${arrays.map((a) => sql.param(a.values, `${a.type}[]`)).join(', ')}) AS v(${arrays.map((_, i) => `"c${i}"`).join(', ')})`,
      select: (alias) =>
        arrays.map((a, i) =>
          a.rebuild === null
            ? `${alias}."c${i}"`
            : `CASE WHEN ${alias}."c${i}" IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${alias}."c${i}"::jsonb))::${a.rebuild} END`,
        ),
    };
  }

  /** A value as a raw parameter: JSON fields go as JSON text, everything else as the client would send it. */
  private rawValue(field: ModelField, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    if (field.type === 'Json') return JSON.stringify(value);
    return value;
  }

  private async updateRows(
    db: PrismaQueryable,
    organizationId: string,
    fields: ModelField[],
    rows: { id: string; data: Row }[],
  ): Promise<void> {
    const q = (name: string) => quoteIdentifier(this.provider, name);
    const org = q(this.model.organizationId.column);
    const uid = q(this.model.userId.column);
    const sql = new SqlBuilder(this.provider);
    let text: string;
    const columns = this.provider === 'postgresql' ? await this.postgresColumns(db, fields, rows, true) : null;
    if (columns !== null) {
      const from = columns.from(sql);
      text =
        `UPDATE ${this.model.table} AS t SET ${fields.map((f, i) => `${q(f.column)} = ${columns.select('v')[i + 1]}`).join(', ')} ` +
        `FROM ${from} WHERE t.${org} = ${sql.param(organizationId)} AND t.${uid} = v."c0"`;
    } else if (this.provider === 'postgresql') {
      const types = await this.types(db);
      const cast = (field: ModelField) => types.get(field.column) ?? 'text';
      const values = rows
        .map(
          (row) =>
            `(${sql.param(row.id, 'text')}, ${fields.map((f) => sql.param(this.rawValue(f, row.data[f.name]), cast(f))).join(', ')})`,
        )
        .join(', ');
      text =
        `UPDATE ${this.model.table} AS t SET ${fields.map((f) => `${q(f.column)} = v.${q(f.column)}`).join(', ')} ` +
        `FROM (VALUES ${values}) AS v("__scim_key", ${fields.map((f) => q(f.column)).join(', ')}) ` +
        `WHERE t.${org} = ${sql.param(organizationId)} AND t.${uid} = v."__scim_key"`;
    } else if (this.provider === 'sqlite') {
      const values = rows
        .map(
          (row) =>
            `(${sql.param(row.id)}, ${fields.map((f) => sql.param(this.rawValue(f, row.data[f.name]))).join(', ')})`,
        )
        .join(', ');
      text =
        `WITH v("__scim_key", ${fields.map((f) => q(f.column)).join(', ')}) AS (VALUES ${values}) ` +
        `UPDATE ${this.model.table} AS t SET ${fields.map((f) => `${q(f.column)} = v.${q(f.column)}`).join(', ')} ` +
        `FROM v WHERE t.${org} = ${sql.param(organizationId)} AND t.${uid} = v."__scim_key"`;
    } else {
      // CASE over parameters: they take the column's collation, where a derived table's columns would clash with it.
      const sets = fields
        .map(
          (f) =>
            `t.${q(f.column)} = CASE t.${uid} ${rows.map((row) => `WHEN ${sql.param(row.id)} THEN ${sql.param(this.rawValue(f, row.data[f.name]))}`).join(' ')} ELSE t.${q(f.column)} END`,
        )
        .join(', ');
      text = `UPDATE ${this.model.table} AS t SET ${sets} WHERE t.${org} = ${sql.param(organizationId)} AND t.${uid} IN (${sql.list(rows.map((row) => row.id))})`;
    }
    await db.$executeRawUnsafe(text, ...sql.values);
  }
}
