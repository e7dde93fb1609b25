export * from './app-api.js';
export * from './app-process.js';
export * from './compare.js';
export * from './follow-directory.js';
export * from './postgres.js';
export * from './story.js';
