import type { UserWrite } from '@scim/core';
import type { UserPatch } from '@scim/core/adapter';
import { type Column, getTableColumns, type Table } from 'drizzle-orm';
import type { UserMapping } from './options.js';

type Row = Record<string, unknown>;

/** A group of rows that set the same columns: one multi-row upsert each. */
export interface RowShape {
  /** Column keys set by every row of the group (key columns included). */
  keys: string[];
  rows: Row[];
}

/** A set of columns applied to a group of users. */
export interface PatchGroup {
  set: Row;
  ids: string[];
}

/** Applies the app's mapping; the same for every dialect. */
export class UserRows {
  readonly table: Table;
  readonly columns: Record<string, Column>;
  readonly organizationIdKey: string;
  readonly organizationIdColumn: Column;
  readonly userIdColumn: Column;
  /** The email column account linking matches on; null when the mapping names none. */
  readonly emailColumn: Column | null;

  constructor(private readonly mapping: UserMapping<Table>) {
    this.table = mapping.model;
    this.columns = getTableColumns(mapping.model);
    this.organizationIdKey = mapping.organizationId;
    this.organizationIdColumn = this.column(mapping.organizationId);
    this.userIdColumn = this.column(mapping.userId);
    this.emailColumn = mapping.email === undefined ? null : this.column(mapping.email);
  }

  column(key: string): Column {
    const column = this.columns[key];
    if (column === undefined) throw new TypeError(`the users table has no column "${key}"`);
    return column;
  }

  /**
   * The active mapping, called once per value and batch: a function such as
   * `(a) => ({ deactivatedAt: a ? null : new Date() })` then gives one instant to the whole batch,
   * and its users share one statement.
   */
  private activeColumns(): (active: boolean) => Row {
    const { active: mapping } = this.mapping;
    if (typeof mapping !== 'function') return (active) => ({ [mapping]: active });
    const cache = new Map<boolean, Row>();
    return (active) => {
      let row = cache.get(active);
      if (row === undefined) {
        row = mapping(active) as Row;
        cache.set(active, row);
      }
      return row;
    };
  }

  private roleColumns(roles: string[]): Row {
    const { roles: mapping } = this.mapping;
    if (mapping === undefined) return {};
    return typeof mapping === 'function' ? (mapping(roles) as Row) : { [mapping]: roles };
  }

  /**
   * The row of each user, grouped by the columns it sets (undefined values are left out). A row may
   * keep a key whose value is undefined; only its shape's `keys` are written.
   */
  shapes(organizationId: string, users: readonly UserWrite[]): RowShape[] {
    const { fields, roles, organizationId: organizationKey, userId: userKey } = this.mapping;
    // By the keys a row sets, in the order the mapping gave them: the same set in another order
    // finds the same shape through its sorted signature.
    const byKeys = new Map<string, RowShape>();
    const bySortedKeys = new Map<string, RowShape>();
    const activeColumns = this.activeColumns();
    for (const user of users) {
      const row: Row = Object.assign({}, fields(user), activeColumns(user.active));
      if (roles !== undefined && user.roles !== undefined) Object.assign(row, this.roleColumns(user.roles));
      row[organizationKey] = organizationId;
      row[userKey] = user.id;
      let signature = '';
      for (const key in row) if (row[key] !== undefined) signature += `${key}\u0000`;
      let shape = byKeys.get(signature);
      if (shape === undefined) {
        const keys = signature.split('\u0000').slice(0, -1);
        for (const key of keys) this.column(key);
        keys.sort();
        const sorted = keys.join('\u0000');
        shape = bySortedKeys.get(sorted);
        if (shape === undefined) {
          shape = { keys, rows: [] };
          bySortedKeys.set(sorted, shape);
        }
        byKeys.set(signature, shape);
      }
      shape.rows.push(row);
    }
    return [...bySortedKeys.values()];
  }

  /** Columns updated on conflict: everything the rows set except the key. */
  updateKeys(shape: RowShape): string[] {
    return shape.keys.filter((key) => key !== this.mapping.organizationId && key !== this.mapping.userId);
  }

  /** Patches grouped by the columns and values they set: one UPDATE per group. */
  patchGroups(patches: readonly UserPatch[]): PatchGroup[] {
    const groups = new Map<string, PatchGroup>();
    const activeColumns = this.activeColumns();
    for (const patch of patches) {
      const set: Row = {
        ...(patch.active === undefined ? {} : activeColumns(patch.active)),
        ...(patch.roles === undefined ? {} : this.roleColumns(patch.roles)),
      };
      for (const key of Object.keys(set)) if (set[key] === undefined) delete set[key];
      if (Object.keys(set).length === 0) continue;
      const signature = JSON.stringify(
        Object.entries(set).sort(([a], [b]) => (a < b ? -1 : 1)),
        (_, value) => (typeof value === 'bigint' ? `${value}n` : value),
      );
      let group = groups.get(signature);
      if (group === undefined) {
        group = { set, ids: [] };
        groups.set(signature, group);
      }
      group.ids.push(patch.id);
    }
    return [...groups.values()];
  }
}
