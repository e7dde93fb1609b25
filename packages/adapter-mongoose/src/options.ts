import type { UserWrite } from '@scim/core';
import type { Model } from 'mongoose';

/** Keys of `T` whose values (null and undefined aside) are of type `V`. */
export type KeysOfType<T, V> = { [K in keyof T]-?: NonNullable<T[K]> extends V ? K : never }[keyof T] & string;

/** Keys of `T` a `string[]` can be written to (a `[String]` field, or a Mixed one), not a `String`. */
export type RolesFieldOf<T> = { [K in keyof T]-?: string[] extends NonNullable<T[K]> ? K : never }[keyof T] & string;

/**
 * Values for the app's user document. `undefined` leaves a field as it is, `null` clears it; a required
 * field of the interface (not optional, not nullable) takes no `null`. `_id` is Mongoose's, never the
 * mapping's.
 */
export type UserFields<TUser> = {
  [K in Exclude<keyof TUser, '_id'>]?: TUser[K] | (OptionalKey<TUser, K> extends true ? null : never) | undefined;
};

/** Whether `K` is an optional property of `T` (`K?:`), with or without exactOptionalPropertyTypes. */
type OptionalKey<T, K extends keyof T> = Record<never, never> extends Pick<T, K> ? true : false;

/**
 * What a mapping function returns, `R`, with every key that is not a field of the user interface turned
 * into an error (a function's returned object literal is not checked for excess keys otherwise); `R`
 * itself when every key is a field, so that a return with no field at all still fails as "nothing in common".
 */
export type OnlyFields<R, TUser> = [Exclude<keyof R, Exclude<keyof TUser, '_id'>>] extends [never]
  ? R
  : R & { [K in Exclude<keyof R, Exclude<keyof TUser, '_id'>>]: never };

/**
 * Where provisioned users land: the app's own Mongoose model, and how directory fields map onto it. `F`,
 * `A` and `R` are what `fields`, `active` and `roles` return, inferred by `mongooseAdapter` so that a
 * key the user interface does not have is a compile error.
 */
export interface MongooseUserMapping<
  TUser,
  F extends UserFields<TUser> = UserFields<TUser>,
  A extends UserFields<TUser> = UserFields<TUser>,
  R extends UserFields<TUser> = UserFields<TUser>,
> {
  /** The app's own user model (the same connection as the adapter, for transactions). */
  model: Model<TUser>;
  /**
   * Field holding the organization id. Together with `userId` unique in the app's collection (a partial
   * index on documents that have them: rows the app created itself have neither, and account linking may
   * give one to a directory user).
   */
  organizationId: KeysOfType<TUser, string>;
  /** Field holding the directory user id (`diruser_...`). */
  userId: KeysOfType<TUser, string>;
  /**
   * Directory fields -> app fields. Called on create and update; `undefined` leaves a field, `null` clears
   * it. Mongoose does not validate upserts: a required field this leaves undefined is not refused, so give
   * it a value, or throw a `UserRejection` for a user the app cannot take.
   */
  fields: (user: UserWrite) => OnlyFields<F, TUser>;
  /** What "inactive" means: a boolean field, or a function returning the fields to set. */
  active: KeysOfType<TUser, boolean> | ((active: boolean) => OnlyFields<A, TUser>);
  /** Where the mapped roles go: a string-array field, or a function; leave out to keep roles out of the app. */
  roles?: RolesFieldOf<TUser> | ((roles: string[]) => OnlyFields<R, TUser>);
  /**
   * The email field, for account linking (`createScimEngine({ linkByEmail })`): a directory user seen for
   * the first time may be given the document with its email (compared without case) that has neither an
   * organization nor a user id.
   */
  email?: KeysOfType<TUser, string>;
}

export interface MongooseAdapterOptions<
  TUser,
  F extends UserFields<TUser> = UserFields<TUser>,
  A extends UserFields<TUser> = UserFields<TUser>,
  R extends UserFields<TUser> = UserFields<TUser>,
> {
  /**
   * The table mapping: the adapter writes the app's user model itself. Leave it out when the app's own
   * functions write its users (`createScimEngine({ users })`, service mode).
   */
  users?: MongooseUserMapping<TUser, F, A, R>;
  /**
   * Whether to use multi-document transactions. `'auto'` (the default) asks the server (`hello`):
   * a replica set or mongos gets them, a standalone mongod does not.
   */
  transactions?: 'auto' | boolean;
  /** Build the bookkeeping collections' indexes on first use (default true). */
  createIndexes?: boolean;
  /** Largest item count of one call (default 1000). */
  maxBatchSize?: number;
}
