import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import { type Provider, mysqlOptions } from './databases.js';
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

export function mysqlClient(url: string): MysqlPrisma {
  return new MysqlClient({ adapter: new PrismaMariaDb({ ...mysqlOptions(url), connectionLimit: 10 }) });
}

export function sqliteClient(url: string): SqlitePrisma {
  return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url }) });
}

export function clientFor(provider: Provider, url: string): AnyPrisma {
  if (provider === 'postgresql') return postgresClient(url);
  if (provider === 'mysql') return mysqlClient(url);
  return sqliteClient(url);
}
