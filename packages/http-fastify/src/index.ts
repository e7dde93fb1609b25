export * from './plugin.js';
export * from './scim-server-plugin.js';
export type * from './scim-server-types.js';
export type * from './types.js';
