export * from './router.js';
export type * from './types.js';
export * from './webhook.js';
