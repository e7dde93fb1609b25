import { createScimEngine, silentLogger, type UserService } from '@scim/core';
import { createScimServer, engineScimStore, scimTokens } from '@scim/scim-server';
import { formatScimVectorTable, runScimVectors, scimVectors } from '@scim/scim-server/vectors';
import { afterAll, describe, expect, test } from 'vitest';
import { type SqlSession, sqlAdapter } from '../src/index.js';
import { appTable, createAppUsers } from './support/app-tables.js';
import { sessionTx } from './support/conformance.js';
import { type DriverName, openDatabase } from './support/drivers.js';
import { serveScim } from './support/serve-scim.js';

/**
 * The published request vectors of Okta, Entra ID and Google over real HTTP into the engine, on each
 * driver: the SCIM server's resources, filters, versions, members and tokens live in the SQL bookkeeping,
 * and every user reaches the app's own table through its user functions.
 */
for (const driver of ['pg', 'pglite', 'mysql2', 'better-sqlite3', 'prisma-pg'] as DriverName[]) {
  const database = await openDatabase(driver, 'scim_sql_vectors');
  if (typeof database === 'string') {
    test.skip(`${driver}: ${database}`, () => {});
    continue;
  }
  const { port } = database;
  await createAppUsers(port);
  const app = appTable(port);
  const users: UserService<SqlSession> = {
    create: (user, ctx) =>
      app.insert(ctx.tx, {
        email: user.email ?? null,
        displayName: user.displayName ?? null,
        givenName: user.givenName ?? null,
        familyName: user.familyName ?? null,
        active: user.active,
        roles: user.roles ?? [],
      }) as Promise<string>,
    update: async (id, user, ctx) => {
      await app.update(ctx.tx, id, {
        ...(user.email === undefined ? {} : { email: user.email }),
        ...(user.displayName === undefined ? {} : { displayName: user.displayName }),
        active: user.active,
        ...(user.roles === undefined ? {} : { roles: user.roles }),
      });
    },
    deactivate: async (id, ctx) => {
      await app.update(ctx.tx, id, { active: false });
    },
  };
  const engine = createScimEngine({
    adapter: sqlAdapter(sessionTx(port)),
    users,
    directScim: true,
    logger: silentLogger,
  });
  const organizationId = `org_vectors_${driver.replace(/\W/g, '_')}`;
  const { token } = await scimTokens(engine).issue(organizationId, { label: 'vectors' });
  const running = await serveScim(createScimServer({ store: engineScimStore(engine) }));
  afterAll(async () => {
    await running.close();
    await database.close();
  });

  describe(`SCIM vectors on ${driver}`, () => {
    test.each(scimVectors.map((vector) => [vector.id, vector] as const))('%s', async (_id, vector) => {
      const [result] = await runScimVectors({ baseUrl: running.baseUrl, token, vectors: [vector] });
      expect(result!.failures, formatScimVectorTable([result!])).toEqual([]);
    });
  });
}
