import type { TestAppTable, TestAppUser } from '@scim/adapter-test-suite';
import type { PrismaTransactionClient } from '../src/index.js';
import type { AnyPrisma, PostgresPrisma } from './clients.js';
import type { Provider } from './databases.js';
import { asPostgres } from './mappings.js';

export type PrismaTx = PrismaTransactionClient<PostgresPrisma>;

/** Only the fields given: `undefined` leaves a field as it is. */
function given(row: Partial<TestAppUser>): Partial<TestAppUser> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
}

/**
 * The test app's own users table for the service-mode suites: the `ServiceUser` model (no SCIM field)
 * through Prisma's own delegates on the interactive transaction's client. `roles` is a `String[]` on PostgreSQL and
 * `Json` elsewhere; both take the array as it is.
 */
export function prismaServiceApp(client: AnyPrisma, provider: Provider): TestAppTable<PrismaTx> {
  const prisma = asPostgres(client);
  return {
    async insert(tx, row) {
      const created = await tx.serviceUser.create({ data: row, select: { id: true } });
      return created.id;
    },
    async update(tx, id, row) {
      await tx.serviceUser.update({ where: { id: Number(id) }, data: given(row) });
    },
    async delete(tx, id) {
      await tx.serviceUser.delete({ where: { id: Number(id) } });
    },
    async read(id) {
      const row = await prisma.serviceUser.findUnique({ where: { id: Number(id) } });
      return row === null ? null : { ...row, id: String(row.id), roles: [...(row.roles as string[])] };
    },
    async findByEmail(tx, email) {
      // Prisma's `mode: 'insensitive'` exists on PostgreSQL only; the lower() comparison runs everywhere.
      const rows = await tx.$queryRawUnsafe<{ id: number }[]>(
        `SELECT id FROM service_users WHERE lower(email) = lower(${provider === 'postgresql' ? '$1' : '?'})`,
        email,
      );
      return rows.map((row) => String(row.id));
    },
  };
}
