// The app's surface: what an app uses to follow its customers' directories. What only an adapter
// author needs is in `@scim/core/adapter`; what a test of a webhook route needs in `@scim/core/testing`.
export type { ScimAdapter } from './adapter/contract.js';
export {
  type MemoryAdapter,
  type MemoryAdapterInspector,
  type MemoryAdapterOptions,
  type MemoryTransaction,
  type MemoryUser,
  memoryAdapter,
} from './adapter/memory-adapter.js';
export type {
  EntityKind,
  EntityState,
  EventQuery,
  IdentityLink,
  InboxRecord,
  InboxStatus,
  StoredGroup,
  SyncState,
  UserWrite,
} from './adapter/records.js';
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
} from './adapter/resources.js';
export type {
  DeprovisionAction,
  DeprovisionContext,
  DeprovisionPolicy,
  DeprovisionReason,
  DirectoryChangedPayload,
  GroupChangedPayload,
  GroupRoleMapping,
  ProvisionChange,
  RoleMappingContext,
  ScimHooks,
  UserDeprovisionedPayload,
  UserHookPayload,
  UserProvisionedPayload,
  WriteSource,
} from './apply/types.js';
export type {
  AppUserId,
  LinkByEmailContext,
  ProvisionContext,
  ProvisionedUser,
  UserService,
} from './apply/user-service.js';
export { createScimEngine, DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE_SECONDS } from './create-engine.js';
export type { ApplyOutcome, ApplyResult } from './engine/types.js';
export type { ScimEngine, ScimEngineOptions } from './engine-options.js';
export {
  isPermanentFailure,
  isScimError,
  ScimError,
  type ScimErrorCode,
  type ScimErrorOptions,
  UserRejection,
} from './errors.js';
export { parseDirectoryEvent, parseDirectoryEventJson } from './events/parse.js';
export {
  type DeletedDirectoryUser,
  DIRECTORY_EVENT_TYPES,
  type Directory,
  type DirectoryDisabledEvent,
  type DirectoryEnabledEvent,
  type DirectoryEvent,
  type DirectoryEventBase,
  type DirectoryGroup,
  type DirectoryGroupRef,
  type DirectoryStateEvent,
  type DirectoryUser,
  type GroupCreatedEvent,
  type GroupDeletedEvent,
  type GroupEvent,
  type GroupUpdatedEvent,
  type KnownDirectoryEventType,
  type UnknownDirectoryEvent,
  type UserCreatedEvent,
  type UserDeletedEvent,
  type UserEvent,
  type UserUpdatedEvent,
} from './events/types.js';
export { consoleLogger, type LogFields, type ScimLogger, silentLogger } from './logger.js';
export type { ResourceChange, ResourceWrite, ResourceWriteResult } from './resources/resource-writer.js';
export { SyncGuardError } from './sync/guard.js';
export { DirectoryApiError, type GrpcStatusName } from './sync/retry.js';
export type {
  ApiDirectory,
  ApiDirectoryGroup,
  ApiDirectoryUser,
  ApiTimestamp,
  DirectoryApiClient,
  PlannedAction,
  PlannedChange,
  ScheduleOptions,
  SyncEngineOptions,
  SyncLeaseHolder,
  SyncMode,
  SyncOptions,
  SyncPhase,
  SyncProgress,
  SyncReport,
  SyncSchedule,
} from './sync/types.js';
export type { WebhookRequest, WebhookResponse, WebhookResponseBody } from './webhook/handle-webhook.js';
export type { HeadersLike } from './webhook/headers.js';
export {
  createWebhookVerifier,
  verifyWebhook,
  type WebhookVerification,
  type WebhookVerificationFailure,
  type WebhookVerifier,
  type WebhookVerifierOptions,
} from './webhook/verify.js';
