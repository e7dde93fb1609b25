export { generateScimToken, hashScimToken } from './auth/tokens.js';
export { engineScimStore } from './engine/engine-store.js';
export { type IssuedToken, type ScimTokens, scimTokens } from './engine/tokens.js';
export type { ScimErrorBody, ScimType } from './http/errors.js';
export type { ScimHeaders, ScimQuery, ScimRequest, ScimResponse } from './http/types.js';
export type { UnknownAttributePolicy } from './resources/canonical.js';
export type { ScimAttributeDefinition, ScimSchemaDefinition } from './schema/attribute.js';
export { ENTERPRISE_USER_SCHEMA } from './schema/enterprise-schema.js';
export type { ScimExtension, ScimExtensionAttribute, ScimResourceType } from './schema/extensions.js';
export { GROUP_SCHEMA, LEGACY_ENTRA_GROUP_SCHEMA } from './schema/group-schema.js';
export { USER_SCHEMA } from './schema/user-schema.js';
export { createScimServer, type ScimServer } from './server/create-server.js';
export type { ScimServerOptions } from './server/options.js';
export {
  type MemoryDirectoryState,
  type MemoryScimStore,
  type MemoryScimStoreOptions,
  memoryScimStore,
} from './store/memory-store.js';
export type * from './store/port.js';
