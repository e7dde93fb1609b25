export * from './pg/schema.js';
