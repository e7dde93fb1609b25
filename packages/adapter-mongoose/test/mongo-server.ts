/**
 * Finds a real MongoDB for the server tests: `MONGODB_URI` when set; else a mongod started by
 * mongodb-memory-server, from `MONGOMS_SYSTEM_BINARY` or from the binary it can download. Nothing
 * stands in for a server: without one, the server tests are reported as skipped, with the reason.
 */
import type { MongoMemoryReplSet, MongoMemoryServer } from 'mongodb-memory-server-core';

export interface MongoTarget {
  /** What this is, for the describe title: `MONGODB_URI`, `standalone`, `replica set`. */
  label: string;
  /** Connection string with no database; never logged (it may hold a password). */
  uri: string;
}

export type MongoServers = { targets: MongoTarget[]; stop(): Promise<void> } | { skipReason: string };

export async function findMongoServers(): Promise<MongoServers> {
  const fromEnv = process.env.MONGODB_URI;
  if (fromEnv !== undefined && fromEnv !== '') {
    // Given explicitly: if it is unreachable, the tests fail rather than skip.
    return { targets: [{ label: 'MONGODB_URI', uri: fromEnv }], stop: async () => undefined };
  }
  const system = process.env.MONGOMS_SYSTEM_BINARY;
  const { MongoMemoryServer, MongoMemoryReplSet } = await import('mongodb-memory-server-core');
  let standalone: MongoMemoryServer | undefined;
  let replSet: MongoMemoryReplSet | undefined;
  try {
    standalone = await MongoMemoryServer.create();
    replSet = await MongoMemoryReplSet.create({ replSet: { count: 1, storageEngine: 'wiredTiger' } });
  } catch (error) {
    await standalone?.stop();
    // A binary named by the environment must work; a failed download only means "no server here".
    if (system !== undefined && system !== '') throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      skipReason: `no MongoDB server reachable: MONGODB_URI is not set, MONGOMS_SYSTEM_BINARY is not set, and mongodb-memory-server could not obtain a mongod binary (${reason})`,
    };
  }
  const started = { standalone, replSet };
  return {
    targets: [
      { label: 'standalone mongod', uri: started.standalone.getUri() },
      { label: 'single-node replica set', uri: started.replSet.getUri() },
    ],
    async stop() {
      await Promise.all([started.standalone.stop(), started.replSet.stop()]);
    },
  };
}
