export * from './mysql/schema.js';
