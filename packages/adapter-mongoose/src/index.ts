export { type HelloResult, transactionsFromHello } from './capabilities.js';
export type * from './documents.js';
export { isDuplicateKeyError, isTransientConflict, translateMongoError } from './errors.js';
export { type ScimModels, scimModels } from './models.js';
export * from './mongoose-adapter.js';
export type * from './options.js';
export * from './schemas.js';
