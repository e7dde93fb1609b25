import mongoose from 'mongoose';

/**
 * A real MongoDB for the end-to-end test: `MONGODB_URI` when set; a mongod that mongodb-memory-server starts
 * from `MONGOMS_SYSTEM_BINARY` when that is set (standalone and single-node replica set, as the adapter
 * behaves differently on each). Nothing else: no download is attempted, and nothing stands in for a server.
 */
export interface MongoTarget {
  label: string;
  /** Connection string without a database; never printed (it may hold a password). */
  uri: string;
}

export type MongoTargets = { targets: MongoTarget[]; stop(): Promise<void> } | { skipReason: string };

export const SKIP_REASON =
  'SKIPPED: no MongoDB server on this machine (set MONGODB_URI, or MONGOMS_SYSTEM_BINARY to a mongod binary)';

export async function findMongoTargets(): Promise<MongoTargets> {
  const uri = process.env.MONGODB_URI;
  if (uri !== undefined && uri !== '') return { targets: [{ label: 'MONGODB_URI', uri }], stop: async () => undefined };
  if (!process.env.MONGOMS_SYSTEM_BINARY) return { skipReason: SKIP_REASON };
  // A binary named by the environment must work: a failure here fails the test.
  const { MongoMemoryReplSet, MongoMemoryServer } = await import('mongodb-memory-server-core');
  const standalone = await MongoMemoryServer.create();
  const replSet = await MongoMemoryReplSet.create({ replSet: { count: 1, storageEngine: 'wiredTiger' } }).catch(
    async (error: unknown) => {
      await standalone.stop();
      throw error;
    },
  );
  return {
    targets: [
      { label: 'a standalone mongod', uri: standalone.getUri() },
      { label: 'a single-node replica set', uri: replSet.getUri() },
    ],
    async stop() {
      await Promise.all([standalone.stop(), replSet.stop()]);
    },
  };
}

/** The same deployment, database `name` (replacing any database the URI names; options kept). */
export function withDatabase(uri: string, name: string): string {
  const scheme = uri.indexOf('://') + 3;
  const queryAt = uri.indexOf('?', scheme);
  const query = queryAt < 0 ? '' : uri.slice(queryAt);
  const beforeQuery = queryAt < 0 ? uri : uri.slice(0, queryAt);
  const slash = beforeQuery.indexOf('/', scheme);
  const hosts = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  return `${hosts}/${name}${query}`;
}

export async function dropDatabase(uri: string): Promise<void> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}
