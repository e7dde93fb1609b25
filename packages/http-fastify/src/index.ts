export * from './plugin.js';
export type * from './types.js';
