import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import { mysqlOptions, type Provider } from './databases.js';
import { PrismaClient as MysqlClient } from './generated/mysql/client/client.js';
import { PrismaClient as PostgresClient } from './generated/postgresql/client/client.js';
import { PrismaClient as SqliteClient } from './generated/sqlite/client/client.js';

export type PostgresPrisma = InstanceType<typeof PostgresClient>;
export type MysqlPrisma = InstanceType<typeof MysqlClient>;
export type SqlitePrisma = InstanceType<typeof SqliteClient>;
export type AnyPrisma = PostgresPrisma | MysqlPrisma | SqlitePrisma;

export function postgresClient(url: string): PostgresPrisma {
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
}

/** The pool options the Prisma adapter takes (its `mariadb` types are a version apart from ours). */
function mysqlPoolOptions(url: string): {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
} {
  const { host, port, user, password, database } = mysqlOptions(url);
  return { host, port, user, password, database };
}

export function mysqlClient(url: string): MysqlPrisma {
  return new MysqlClient({ adapter: new PrismaMariaDb({ ...mysqlPoolOptions(url), connectionLimit: 10 }) });
}

export function sqliteClient(url: string): SqlitePrisma {
  return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url }) });
}

export function clientFor(provider: Provider, url: string): AnyPrisma {
  if (provider === 'postgresql') return postgresClient(url);
  if (provider === 'mysql') return mysqlClient(url);
  return sqliteClient(url);
}
