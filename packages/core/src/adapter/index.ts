// `@scim/core/adapter`: what an adapter author needs: the storage contract, the error to throw, the
// shared conflict-retry policy, and the time helpers versions are written with.

export { AdapterError, type ScimError, type ScimErrorCode, type ScimErrorOptions } from '../errors.js';
export { dateToNanos, nanosToDate, nanosToRfc3339, rfc3339ToNanos, timestampToNanos } from '../events/timestamp.js';
export type { DirectoryGroupRef, DirectoryUser } from '../events/types.js';
export { type ConflictRetryOptions, isConflict, retryOnConflict } from './conflict-retry.js';
export type {
  AdapterCapabilities,
  BookkeepingStore,
  ResourceStore,
  ScimAdapter,
  ScimStore,
  UserTableStore,
} from './contract.js';
export type {
  DirectoryWrite,
  EntityAdvance,
  EntityKind,
  EntityState,
  EventQuery,
  GroupWrite,
  HeldLease,
  IdentityLink,
  InboxRecord,
  InboxStatus,
  InboxUpdate,
  LeaseRequest,
  ListPage,
  Membership,
  StoredDirectory,
  StoredGroup,
  SyncState,
  UserPatch,
  UserWrite,
} from './records.js';
export type {
  ResourceFilter,
  ResourceIndex,
  ResourcePage,
  ResourcePut,
  ResourcePutResult,
  ResourceQuery,
  ResourceStringIndex,
  ResourceType,
  StoredResource,
  TokenRecord,
} from './resources.js';
