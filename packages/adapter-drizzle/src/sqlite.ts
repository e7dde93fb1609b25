export * from './sqlite/schema.js';
