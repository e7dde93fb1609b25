import type { ScimAdapter, UserWrite } from '@scim/core';
import type { UserPatch, UserTableStore } from '@scim/core/adapter';
import { type SqlUserTable, sqlAdapter } from '@scim/sql';
import { type EmailLink, linkUsersByEmail } from './email-links.js';
import { translateError } from './errors.js';
import type {
  PrismaAdapterOptions,
  PrismaClientLike,
  PrismaModelName,
  PrismaModelRow,
  PrismaProvider,
  PrismaQueryable,
  PrismaTransactionClient,
  PrismaTransactionOptions,
  PrismaUserFields,
} from './options.js';
import { prismaPort } from './port.js';
import { readDataModel, readPostgresColumnTypes, readProvider, resolveUserModel } from './user-model.js';
import { type ErasedUserMapping, UserWriter } from './user-writer.js';

const DEFAULT_MAX_BATCH_SIZE = 1000;
/** A call made outside `transaction()` runs in one of its own; a conflict there is retried this often. */
const AUTO_TRANSACTION_ATTEMPTS = 5;

/** A user-table write whose errors Prisma's own rules translate (a model call's refusal names the field). */
function translated<A extends unknown[], R>(action: string, write: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await write(...args);
    } catch (error) {
      throw translateError(error, action);
    }
  };
}

/**
 * The table mapping as @scim/sql takes it: the writes of the app's user model, through the transaction's
 * own client (`createMany` is a model call, and the values are the model's, for Prisma to bind).
 */
function userTable<Tx>(provider: PrismaProvider, writer: UserWriter): SqlUserTable<Tx> {
  return {
    linkByEmail: writer.model.email != null,
    store: (_session, tx): UserTableStore => {
      const db = tx as unknown as PrismaQueryable;
      return {
        upsertUsers: translated('upsertUsers', (organizationId: string, users: readonly UserWrite[]) =>
          writer.upsert(db, organizationId, users),
        ),
        patchUsers: translated('patchUsers', (organizationId: string, patches: readonly UserPatch[]) =>
          writer.patch(db, organizationId, patches),
        ),
        deleteUsers: translated('deleteUsers', (organizationId: string, ids: readonly string[]) =>
          writer.delete(db, organizationId, ids),
        ),
        linkUsersByEmail: translated('linkUsersByEmail', (organizationId: string, links: readonly EmailLink[]) =>
          linkUsersByEmail(db, provider, writer.model, organizationId, links),
        ),
      };
    },
  };
}

/**
 * A `@scim` storage adapter over a Prisma client (Prisma 7, and Prisma 6 with the same client API): the
 * SDK's bookkeeping and the SCIM server's records live in the `scim_` tables of the shipped schema fragment
 * and migrations, written by `@scim/sql`'s statements through Prisma's raw queries. PostgreSQL,
 * MySQL/MariaDB, SQLite. With `options.users` (a table mapping), provisioned users land in the app's own
 * model; without it, the app's own functions write them (`createScimEngine({ users })`) through the
 * interactive transaction's client, `ctx.tx`.
 *
 * ```ts
 * const adapter = prismaAdapter(prisma, {
 *   users: {
 *     model: 'User',
 *     organizationId: 'scimOrganizationId',
 *     userId: 'scimUserId',
 *     fields: (u) => ({ email: u.email, name: u.displayName }),
 *     active: 'isActive',
 *   },
 * });
 * ```
 */
export function prismaAdapter<
  C extends PrismaClientLike,
  M extends PrismaModelName<C>,
  F extends PrismaUserFields<PrismaModelRow<C, M>>,
  A extends PrismaUserFields<PrismaModelRow<C, M>>,
  R extends PrismaUserFields<PrismaModelRow<C, M>>,
  N extends PrismaUserFields<PrismaModelRow<C, M>>,
>(
  prisma: C,
  options: PrismaAdapterOptions<C, M, PrismaModelRow<C, M>, F, A, R, N> = {},
): ScimAdapter<PrismaTransactionClient<C>> {
  const provider = options.provider ?? readProvider(prisma);
  const mapping = options.users as unknown as ErasedUserMapping | undefined;
  let writer: UserWriter | null = null;
  if (mapping !== undefined) {
    const model = resolveUserModel(readDataModel(prisma), provider, mapping);
    writer = new UserWriter(provider, model, mapping, (db) => readPostgresColumnTypes(db, model.table));
  }
  const transactionOptions: PrismaTransactionOptions = {
    maxWait: 10_000,
    timeout: 60_000,
    // MySQL's default REPEATABLE READ takes gap locks and reads from an old snapshot; the version rules
    // are enforced by the conditional writes themselves and need neither.
    ...(provider === 'mysql' ? { isolationLevel: 'ReadCommitted' as const } : {}),
    ...options.transactionOptions,
  };

  type Tx = PrismaTransactionClient<C>;
  return sqlAdapter<Tx>(prismaPort<Tx>(prisma, provider, transactionOptions), {
    name: `prisma:${provider}`,
    maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
    conflictRetries: AUTO_TRANSACTION_ATTEMPTS - 1,
    ...(writer === null ? {} : { userTable: userTable<Tx>(provider, writer) }),
  });
}
