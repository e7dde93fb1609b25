import type { UserWrite } from '@scim/core';

/**
 * The part of a Prisma client the adapter uses. Every generated `PrismaClient` (Prisma 6 and 7, any
 * provider, with or without a driver adapter) satisfies it, and so does the transaction client.
 */
export interface PrismaQueryable {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

export type PrismaIsolationLevel = 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';

export interface PrismaTransactionOptions {
  maxWait?: number;
  timeout?: number;
  isolationLevel?: PrismaIsolationLevel;
}

export interface PrismaClientLike extends PrismaQueryable {
  $transaction<R>(fn: (tx: PrismaQueryable) => Promise<R>, options?: PrismaTransactionOptions): Promise<R>;
}

/** The model delegates of a client (`prisma.user`, ...), keyed by their property name. */
type DelegateKey<C> = {
  [K in keyof C & string]: K extends `$${string}` ? never : C[K] extends { findFirst: unknown } ? K : never;
}[keyof C & string];

/** A model name as written in the schema (`User`), for the client's delegates. */
export type PrismaModelName<C> = Capitalize<DelegateKey<C>>;

type DelegateOf<C, M extends string> = Uncapitalize<M> extends keyof C ? C[Uncapitalize<M>] : never;

/** The scalar fields of a model, as `findFirst` returns them. */
export type PrismaModelRow<C, M extends string> =
  DelegateOf<C, M> extends { findFirst: (...args: never[]) => infer R }
    ? NonNullable<Awaited<R>> extends infer Row
      ? Row extends object
        ? Row
        : never
      : never
    : never;

type KeysOf<Row, V> = { [K in keyof Row & string]-?: NonNullable<Row[K]> extends V ? K : never }[keyof Row & string];

/** Fields a `string[]` can be written to: a `String[]` list (PostgreSQL) or a `Json` field, not a `String`. */
export type PrismaRolesField<Row> = {
  [K in keyof Row & string]-?: string[] extends NonNullable<Row[K]> ? K : never;
}[keyof Row & string];

/**
 * Values for the app's model, as its row type spells them. `undefined` (given or left out) leaves a field
 * as it is; `null` clears it, which a required field's type does not allow.
 */
export type PrismaUserFields<Row> = { [K in keyof Row]?: Row[K] | undefined };

/**
 * What a mapping function returns, `R`, with every key that is not a field of the model turned into an
 * error (a function's returned object literal is not checked for excess keys otherwise); `R` itself when
 * every key is a field, so that a return with no field at all still fails as "nothing in common".
 */
export type OnlyFields<R, Row> = [Exclude<keyof R, keyof Row>] extends [never]
  ? R
  : R & { [K in Exclude<keyof R, keyof Row>]: never };

/**
 * How directory users land in the app's own user model. `F`, `A`, `R` and `N` are what `fields`,
 * `active`, `roles` and `create` return, inferred by `prismaAdapter` so that a key the model does not
 * have is a compile error.
 */
export interface PrismaUserMapping<
  C,
  M extends PrismaModelName<C>,
  Row = PrismaModelRow<C, M>,
  F extends PrismaUserFields<Row> = PrismaUserFields<Row>,
  A extends PrismaUserFields<Row> = PrismaUserFields<Row>,
  R extends PrismaUserFields<Row> = PrismaUserFields<Row>,
  N extends PrismaUserFields<Row> = PrismaUserFields<Row>,
> {
  /** The app's user model, as named in the schema (e.g. `'User'`). */
  model: M;
  /**
   * The field holding the organization id; `(organizationId, userId)` must be unique in the model.
   * Optional (with `userId`) for rows the app created itself, which account linking may give a directory user.
   */
  organizationId: KeysOf<Row, string>;
  /** The field holding the directory user id. */
  userId: KeysOf<Row, string>;
  /**
   * Directory fields -> the model's fields, on create and update. A value of `undefined` leaves the
   * column as it is; `null` clears it. Fields the function does not return are never touched. A required
   * field takes no `null`: give a value, or `undefined` (a new row without it is then refused by the
   * database and the change recorded as rejected).
   */
  fields: (user: UserWrite) => OnlyFields<F, Row>;
  /**
   * Values only a new row gets, e.g. `() => ({ id: createId(), updatedAt: new Date() })`. When given, new
   * users are inserted with one raw multi-row INSERT (many times faster than `createMany`), so Prisma-level
   * defaults (`@default(cuid())`, `@default(uuid())`, `@updatedAt`) do not run: return those values here.
   * Database defaults (`@default(now())`, `@default("free")`, autoincrement) still apply. Without it, new
   * users go through the model's `createMany` and every Prisma default applies.
   */
  create?: (user: UserWrite) => OnlyFields<N, Row>;
  /** What "active" means: a boolean field, or a function returning the fields to set. */
  active: KeysOf<Row, boolean> | ((active: boolean) => OnlyFields<A, Row>);
  /**
   * Where the roles go: a field that takes `string[]` (a `String[]` list on PostgreSQL, or a `Json` field),
   * or a function. Without it, roles are not stored in the app's model.
   */
  roles?: PrismaRolesField<Row> | ((roles: string[]) => OnlyFields<R, Row>);
  /**
   * The email field, for account linking (`createScimEngine({ linkByEmail })`): a directory user seen for
   * the first time may be given the row with its email (compared without case) whose organization and
   * user fields are null.
   */
  email?: KeysOf<Row, string>;
}

export interface PrismaAdapterOptions<
  C,
  M extends PrismaModelName<C>,
  Row = PrismaModelRow<C, M>,
  F extends PrismaUserFields<Row> = PrismaUserFields<Row>,
  A extends PrismaUserFields<Row> = PrismaUserFields<Row>,
  R extends PrismaUserFields<Row> = PrismaUserFields<Row>,
  N extends PrismaUserFields<Row> = PrismaUserFields<Row>,
> {
  /**
   * The table mapping: the adapter writes the app's user model itself. Leave it out when the app's own
   * functions write its users (`createScimEngine({ users })`, service mode).
   */
  users?: PrismaUserMapping<C, M, Row, F, A, R, N>;
  /**
   * The database behind the client: `'postgresql'`, `'mysql'` (MySQL and MariaDB) or `'sqlite'`.
   * Read from the client when omitted.
   */
  provider?: PrismaProvider;
  /** Options of the interactive transactions. Defaults: maxWait 10 s, timeout 60 s. */
  transactionOptions?: PrismaTransactionOptions;
  /** Largest item count per call the engine may send. Default 1000. */
  maxBatchSize?: number;
}

/**
 * The interactive transaction's client of a Prisma client (`Prisma.TransactionClient`): what the app's
 * functions get as `ctx.tx` in service mode.
 */
export type PrismaTransactionClient<C> = C extends {
  $transaction(fn: (tx: infer Tx) => infer _R, ...rest: infer _A): unknown;
}
  ? Tx
  : PrismaQueryable;

export type PrismaProvider = 'postgresql' | 'mysql' | 'sqlite';
