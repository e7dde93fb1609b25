import type { UserWrite } from '@scim/core';
import type { UserPatch } from '@scim/core/adapter';
import type { MongooseUserMapping, UserFields } from './options.js';

/** A plain update document; Mongoose casts it through the app's schema. */
export type FieldValues = Record<string, unknown>;

export interface UserUpsertOperation {
  updateOne: { filter: FieldValues; update: { $set: FieldValues } | { $setOnInsert: FieldValues }; upsert: true };
}

export interface UserPatchOperation {
  updateOne: { filter: FieldValues; update: { $set: FieldValues } };
}

/** Copies the defined values: `undefined` means "leave the field", `null` stays (it clears). */
function defined(target: FieldValues, values: UserFields<unknown> | FieldValues): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) target[key] = value;
  }
}

function activeFields<TUser>(mapping: MongooseUserMapping<TUser>, active: boolean): FieldValues {
  return typeof mapping.active === 'function' ? { ...mapping.active(active) } : { [mapping.active]: active };
}

function roleFields<TUser>(mapping: MongooseUserMapping<TUser>, roles: string[]): FieldValues {
  if (mapping.roles === undefined) return {};
  return typeof mapping.roles === 'function' ? { ...mapping.roles(roles) } : { [mapping.roles]: [...roles] };
}

/** The key of one provisioned user in the app's collection. */
export function userKey<TUser>(mapping: MongooseUserMapping<TUser>, organizationId: string, id: string): FieldValues {
  return { [mapping.organizationId]: organizationId, [mapping.userId]: id };
}

/**
 * The `$set` of one upserted user: the mapped fields, what "active" means, and the roles when the
 * engine gave them. Nothing else: app-owned fields the mapping does not return are never touched.
 */
export function userSet<TUser>(mapping: MongooseUserMapping<TUser>, user: UserWrite): FieldValues {
  const set: FieldValues = {};
  defined(set, mapping.fields(user));
  defined(set, activeFields(mapping, user.active));
  if (user.roles !== undefined) defined(set, roleFields(mapping, user.roles));
  // The key fields come from the filter; a mapping that also returns them must not move the user.
  delete set[mapping.organizationId];
  delete set[mapping.userId];
  return set;
}

/** One upsert per user, keyed by (organizationId, userId). */
export function userUpsertOperations<TUser>(
  mapping: MongooseUserMapping<TUser>,
  organizationId: string,
  users: readonly UserWrite[],
): UserUpsertOperation[] {
  return users.map((user) => {
    const filter = userKey(mapping, organizationId, user.id);
    const set = userSet(mapping, user);
    // Older servers refuse an empty $set; a user with nothing to set is still created.
    const update = Object.keys(set).length > 0 ? { $set: set } : { $setOnInsert: { ...filter } };
    return { updateOne: { filter, update, upsert: true as const } };
  });
}

/** One update per patch that changes something; missing users match nothing and are ignored. */
export function userPatchOperations<TUser>(
  mapping: MongooseUserMapping<TUser>,
  organizationId: string,
  patches: readonly UserPatch[],
): UserPatchOperation[] {
  const operations: UserPatchOperation[] = [];
  for (const patch of patches) {
    const set: FieldValues = {};
    if (patch.active !== undefined) defined(set, activeFields(mapping, patch.active));
    if (patch.roles !== undefined) defined(set, roleFields(mapping, patch.roles));
    if (Object.keys(set).length === 0) continue;
    operations.push({ updateOne: { filter: userKey(mapping, organizationId, patch.id), update: { $set: set } } });
  }
  return operations;
}

/** The filter of the users to delete. */
export function usersFilter<TUser>(
  mapping: MongooseUserMapping<TUser>,
  organizationId: string,
  ids: readonly string[],
): FieldValues {
  return { [mapping.organizationId]: organizationId, [mapping.userId]: { $in: [...ids] } };
}
