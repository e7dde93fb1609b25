export * from './router.js';
export * from './scim-server-route.js';
export type * from './scim-server-types.js';
export type * from './types.js';
export * from './webhook.js';
