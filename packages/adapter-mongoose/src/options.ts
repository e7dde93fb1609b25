import type { UserWrite } from '@scim/core';
import type { Model } from 'mongoose';

/** Keys of `T` whose values (null and undefined aside) are of type `V`. */
export type KeysOfType<T, V> = { [K in keyof T]-?: NonNullable<T[K]> extends V ? K : never }[keyof T] & string;

/**
 * Values for the app's user document. `undefined` leaves a field as it is, `null` clears it.
 * `_id` is Mongoose's, never the mapping's.
 */
export type UserFields<TUser> = { [K in Exclude<keyof TUser, '_id'>]?: TUser[K] | null };

/** Where provisioned users land: the app's own Mongoose model, and how directory fields map onto it. */
export interface MongooseUserMapping<TUser> {
  /** The app's own user model (the same connection as the adapter, for transactions). */
  model: Model<TUser>;
  /** Field holding the organization id. Together with `userId` unique in the app's collection. */
  organizationId: KeysOfType<TUser, string>;
  /** Field holding the directory user id (`diruser_...`). */
  userId: KeysOfType<TUser, string>;
  /** Directory fields -> app fields. Called on create and update; `undefined` leaves a field, `null` clears it. */
  fields: (user: UserWrite) => UserFields<TUser>;
  /** What "inactive" means: a boolean field, or a function returning the fields to set. */
  active: KeysOfType<TUser, boolean> | ((active: boolean) => UserFields<TUser>);
  /** Where the mapped roles go: a string-array field, or a function; leave out to keep roles out of the app. */
  roles?: KeysOfType<TUser, readonly string[]> | ((roles: string[]) => UserFields<TUser>);
}

export interface MongooseAdapterOptions<TUser> {
  users: MongooseUserMapping<TUser>;
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
