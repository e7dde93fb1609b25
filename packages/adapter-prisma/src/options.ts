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

/**
 * How directory users land in the app's own user model. The same shape as in every @scim adapter.
 */
export interface PrismaUserMapping<C, M extends PrismaModelName<C>, Row = PrismaModelRow<C, M>> {
  /** The app's user model, as named in the schema (e.g. `'User'`). */
  model: M;
  /** The field holding the organization id; `(organizationId, userId)` must be unique in the model. */
  organizationId: KeysOf<Row, string>;
  /** The field holding the directory user id. */
  userId: KeysOf<Row, string>;
  /**
   * Directory fields -> the model's fields, on create and update. A value of `undefined` leaves the
   * column as it is; `null` clears it. Fields the function does not return are never touched.
   */
  fields: (user: UserWrite) => Partial<Row>;
  /**
   * Values only a new row gets, e.g. `() => ({ id: createId(), updatedAt: new Date() })`. When given, new
   * users are inserted with one raw multi-row INSERT (many times faster than `createMany`), so Prisma-level
   * defaults (`@default(cuid())`, `@default(uuid())`, `@updatedAt`) do not run: return those values here.
   * Database defaults (`@default(now())`, `@default("free")`, autoincrement) still apply. Without it, new
   * users go through the model's `createMany` and every Prisma default applies.
   */
  create?: (user: UserWrite) => Partial<Row>;
  /** What "active" means: a boolean field, or a function returning the fields to set. */
  active: KeysOf<Row, boolean> | ((active: boolean) => Partial<Row>);
  /**
   * Where the roles go: a field (a `String[]` list, a `Json` field, or a `String` that receives JSON
   * text), or a function. Without it, roles are not stored in the app's model.
   */
  roles?: KeysOf<Row, string | string[] | object> | ((roles: string[]) => Partial<Row>);
}

export interface PrismaAdapterOptions<C, M extends PrismaModelName<C>> {
  users: PrismaUserMapping<C, M>;
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

export type PrismaProvider = 'postgresql' | 'mysql' | 'sqlite';
