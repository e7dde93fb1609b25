export { isUniqueViolation, translateSqlError } from './errors.js';
export type { SqlDialect, SqlErrorKind, SqlPort, SqlRow, SqlSession, SqlValue } from './port.js';
export { applySqlSchema, sqlSchema, sqlSchemaStatements } from './schema.js';
export { type SqlAdapterOptions, type SqlUserTable, sqlAdapter } from './sql-adapter.js';
export { type SqlStoreMethods, type SqlStoreOptions, sqlStore } from './sql-store.js';
