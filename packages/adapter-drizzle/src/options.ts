import type { UserWrite } from '@scim/core';
import type { Table } from 'drizzle-orm';

/** The JS keys of a table's columns (the keys of the table object, not the SQL names). */
export type ColumnKey<TTable extends Table> = keyof TTable['_']['columns'] & string;

/** Keys of the columns whose value type is exactly boolean. */
export type BooleanColumnKey<TTable extends Table> = {
  [K in ColumnKey<TTable>]: TTable['_']['columns'][K]['_']['data'] extends boolean ? K : never;
}[ColumnKey<TTable>];

/** Keys of the columns whose value type is a string (an email column, for account linking). */
export type StringColumnKey<TTable extends Table> = {
  [K in ColumnKey<TTable>]: TTable['_']['columns'][K]['_']['data'] extends string ? K : never;
}[ColumnKey<TTable>];

/**
 * Keys of the columns a `string[]` can be written to (`text[]`, `json`/`jsonb`, a JSON text column typed
 * `$type<string[]>()`): a plain text column is not one of them.
 */
export type RolesColumnKey<TTable extends Table> = {
  [K in ColumnKey<TTable>]-?: string[] extends TTable['$inferInsert'][K] ? K : never;
}[ColumnKey<TTable>];

/**
 * A partial row of the app's table, as its insert type spells it. `undefined` (given or left out) leaves a
 * column as it is; `null` clears it, which a NOT NULL column's type does not allow.
 */
export type UserColumns<TTable extends Table> = {
  [K in keyof TTable['$inferInsert']]?: TTable['$inferInsert'][K] | undefined;
};

/**
 * What a mapping function returns, `R`, with every key the table has no column for turned into an error:
 * a function's returned object literal is not checked for excess keys otherwise. `R` itself when every key
 * is a column, so that a return with no column at all still fails as "nothing in common".
 */
export type OnlyColumns<R, TTable extends Table> = [Exclude<keyof R, keyof TTable['$inferInsert']>] extends [never]
  ? R
  : R & { [K in Exclude<keyof R, keyof TTable['$inferInsert']>]: never };

/**
 * How provisioned users land in the app's own user table. The adapter writes only the columns this
 * mapping names; every other column of the app's table is left as it is. `F`, `A` and `R` are what
 * `fields`, `active` and `roles` return, inferred by `drizzleAdapter` so that an unknown key is a compile
 * error.
 */
export interface UserMapping<
  TTable extends Table,
  F extends UserColumns<TTable> = UserColumns<TTable>,
  A extends UserColumns<TTable> = UserColumns<TTable>,
  R extends UserColumns<TTable> = UserColumns<TTable>,
> {
  /** The app's user table object. */
  model: TTable;
  /**
   * Column holding the organization id. `(organizationId, userId)` must be unique in the table. Nullable
   * (with `userId`) for rows the app created itself, which account linking may give a directory user.
   */
  organizationId: ColumnKey<TTable>;
  /** Column holding the directory user id. */
  userId: ColumnKey<TTable>;
  /**
   * Directory fields to app columns, called on create and update. A value of `undefined` leaves the
   * column as it is, `null` clears it. A NOT NULL column takes no `null`: give a value, or `undefined`
   * (a new row without it is then refused by the database and the change recorded as rejected).
   */
  fields: (user: UserWrite) => OnlyColumns<F, TTable>;
  /** What "inactive" means: a boolean column, or a function giving the columns to set. */
  active: BooleanColumnKey<TTable> | ((active: boolean) => OnlyColumns<A, TTable>);
  /** Where the mapped roles go: a column that takes `string[]`, or a function. */
  roles?: RolesColumnKey<TTable> | ((roles: string[]) => OnlyColumns<R, TTable>);
  /**
   * The email column, for account linking (`createScimEngine({ linkByEmail })`): a directory user seen for
   * the first time may be given the row with its email (compared without case) whose organization and
   * user columns are null.
   */
  email?: StringColumnKey<TTable>;
}

export interface DrizzleAdapterOptions<
  TTable extends Table,
  F extends UserColumns<TTable> = UserColumns<TTable>,
  A extends UserColumns<TTable> = UserColumns<TTable>,
  R extends UserColumns<TTable> = UserColumns<TTable>,
> {
  /**
   * The table mapping: the adapter writes the app's users table itself. Leave it out when the app's own
   * functions write its users (`createScimEngine({ users })`, service mode).
   */
  users?: UserMapping<TTable, F, A, R>;
  /**
   * Largest item count one call accepts; the engine splits larger batches. Statements are further
   * split to stay under the driver's parameter limit. Default 1000.
   */
  maxBatchSize?: number;
  /** How many times a single store call made outside `transaction()` is retried on a conflict. Default 5. */
  conflictRetries?: number;
}
