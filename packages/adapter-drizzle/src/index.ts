export { drizzleAdapter } from './drizzle-adapter.js';
export type { BooleanColumnKey, ColumnKey, DrizzleAdapterOptions, UserColumns, UserMapping } from './options.js';
