import mongoose, { type Connection } from 'mongoose';

export interface OpenDatabase {
  connection: Connection;
  /** `mongodb (<database> on <hosts>)`, for the startup line; never the URI (it may hold a password). */
  description: string;
  close(): Promise<void>;
}

/** Thrown when the server cannot be reached; its message names no credentials. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

function describe(connection: Connection): string {
  const hosts = connection.getClient().options.hosts.map(String).join(', ');
  return `mongodb (${connection.name} on ${hosts})`;
}

/** One Mongoose connection for the app's models and @scim's `scim_*` collections alike. */
export async function openDatabase(uri: string): Promise<OpenDatabase> {
  // Mongoose's own `autoIndex` builds indexes in the background and only reports failures as events; the
  // app builds its indexes at startup instead (`createIndexes` in main), the adapter its own in `ready()`.
  // Driver options (e.g. `serverSelectionTimeoutMS`, default 30 s) go in the URI's query string.
  const connection = mongoose.createConnection(uri, { autoIndex: false });
  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => undefined);
    // The driver's message names hosts, never the password; the error's cause keeps the details.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new DatabaseUnreachableError(`could not connect to MongoDB: ${reason}`, { cause: error });
  }
  return { connection, description: describe(connection), close: () => connection.close() };
}
