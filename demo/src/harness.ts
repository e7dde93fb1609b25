export * from './app-api.js';
export * from './app-process.js';
export * from './compare.js';
export * from './story.js';
