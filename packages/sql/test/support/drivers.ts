import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { applySqlSchema, type SqlPort } from '../../src/index.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { recreateMysql, recreatePostgres, testDatabase, unreachable } from './databases.js';
import { betterSqlite3Port, mysqlPort, pglitePort, pgPort, prismaPort } from './ports.js';

/** A port over a fresh database with the schema applied, a second port over the same database, and the way out. */
export interface TestDatabase {
  name: string;
  port: SqlPort;
  /** An independent client of the same database (another app instance); null where there is only one connection. */
  peer: SqlPort | null;
  close(): Promise<void>;
}

export type DriverName = 'pg' | 'pglite' | 'mysql2' | 'better-sqlite3' | 'prisma-pg';

/** Opens a driver's test database; a string says why it could not (the tests then skip, outside CI). */
export async function openDatabase(driver: DriverName, base: string): Promise<TestDatabase | string> {
  switch (driver) {
    case 'pg': {
      let url: string;
      try {
        url = await recreatePostgres(testDatabase(base));
      } catch (error) {
        return unreachable('PostgreSQL', error);
      }
      const pools = [new pg.Pool({ connectionString: url, max: 5 }), new pg.Pool({ connectionString: url, max: 5 })];
      const port = pgPort(pools[0]!);
      await applySqlSchema(port);
      return {
        name: 'pg',
        port,
        peer: pgPort(pools[1]!),
        close: async () => void (await Promise.all(pools.map((p) => p.end()))),
      };
    }
    case 'prisma-pg': {
      let url: string;
      try {
        url = await recreatePostgres(testDatabase(`${base}_prisma`));
      } catch (error) {
        return unreachable('PostgreSQL', error);
      }
      const clients = [0, 1].map(() => new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 5 }) }));
      const port = prismaPort(clients[0]!, 'postgresql');
      await applySqlSchema(port);
      return {
        name: 'prisma-pg',
        port,
        peer: prismaPort(clients[1]!, 'postgresql'),
        close: async () => void (await Promise.all(clients.map((c) => c.$disconnect()))),
      };
    }
    case 'pglite': {
      const db = new PGlite();
      const port = pglitePort(db);
      await applySqlSchema(port);
      return { name: 'pglite', port, peer: null, close: () => db.close() };
    }
    case 'mysql2': {
      let url: string;
      try {
        url = await recreateMysql(testDatabase(base));
      } catch (error) {
        return unreachable('MariaDB/MySQL', error);
      }
      const pools = [
        mysql.createPool({ uri: url, connectionLimit: 5 }),
        mysql.createPool({ uri: url, connectionLimit: 5 }),
      ];
      const port = mysqlPort(pools[0]!);
      await applySqlSchema(port);
      return {
        name: 'mysql2',
        port,
        peer: mysqlPort(pools[1]!),
        close: async () => void (await Promise.all(pools.map((p) => p.end()))),
      };
    }
    case 'better-sqlite3': {
      const file = `${process.env.TMPDIR ?? '/tmp'}/${testDatabase(base)}.sqlite`;
      const { rmSync } = await import('node:fs');
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      // No busy timeout: the driver would wait for a lock synchronously, blocking the event loop (and the
      // other connection's commit); the port retries BEGIN without blocking instead.
      const dbs = [new Database(file, { timeout: 0 }), new Database(file, { timeout: 0 })];
      for (const db of dbs) db.pragma('journal_mode = WAL');
      const port = betterSqlite3Port(dbs[0]!);
      await applySqlSchema(port);
      return {
        name: 'better-sqlite3',
        port,
        peer: betterSqlite3Port(dbs[1]!),
        close: async () => {
          for (const db of dbs) db.close();
        },
      };
    }
  }
}
