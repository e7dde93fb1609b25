import type { UserWrite } from '@scim/core';
import type { Table } from 'drizzle-orm';

/** The JS keys of a table's columns (the keys of the table object, not the SQL names). */
export type ColumnKey<TTable extends Table> = keyof TTable['_']['columns'] & string;

/** Keys of the columns whose value type is exactly boolean. */
export type BooleanColumnKey<TTable extends Table> = {
  [K in ColumnKey<TTable>]: TTable['_']['columns'][K]['_']['data'] extends boolean ? K : never;
}[ColumnKey<TTable>];

/** A partial row of the app's table, as its insert type spells it. */
export type UserColumns<TTable extends Table> = Partial<TTable['$inferInsert']>;

/**
 * How provisioned users land in the app's own user table. The adapter writes only the columns this
 * mapping names; every other column of the app's table is left as it is.
 */
export interface UserMapping<TTable extends Table> {
  /** The app's user table object. */
  model: TTable;
  /** Column holding the organization id. `(organizationId, userId)` must be unique in the table. */
  organizationId: ColumnKey<TTable>;
  /** Column holding the directory user id. */
  userId: ColumnKey<TTable>;
  /**
   * Directory fields to app columns, called on create and update. A value of `undefined` leaves the
   * column as it is, `null` clears it.
   */
  fields: (user: UserWrite) => UserColumns<TTable>;
  /** What "inactive" means: a boolean column, or a function giving the columns to set. */
  active: BooleanColumnKey<TTable> | ((active: boolean) => UserColumns<TTable>);
  /** Where the mapped roles go: a column (of a type that holds `string[]`), or a function. */
  roles?: ColumnKey<TTable> | ((roles: string[]) => UserColumns<TTable>);
}

export interface DrizzleAdapterOptions<TTable extends Table> {
  users: UserMapping<TTable>;
  /**
   * Largest item count one call accepts; the engine splits larger batches. Statements are further
   * split to stay under the driver's parameter limit. Default 1000.
   */
  maxBatchSize?: number;
  /** How many times a single store call made outside `transaction()` is retried on a conflict. Default 5. */
  conflictRetries?: number;
}
