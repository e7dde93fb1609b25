export { type DrizzleTransaction, drizzleAdapter } from './drizzle-adapter.js';
export type {
  BooleanColumnKey,
  ColumnKey,
  DrizzleAdapterOptions,
  OnlyColumns,
  RolesColumnKey,
  StringColumnKey,
  UserColumns,
  UserMapping,
} from './options.js';
export * from './pg/schema.js';
