import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type AppProcess, appApi, followAndReconcile, startApp, unauthenticatedAnswers } from '@scim/demo/harness';
import { type Simulator, startSimulator } from '@scim/simulator';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, findMongoTargets, withDatabase } from './mongo-target.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const found = await findMongoTargets();

if ('skipReason' in found) {
  // Said once where a reader of the test output looks, besides the skipped test's name.
  console.warn(`express-mongoose e2e: ${found.skipReason}`);
  describe.skip(`the express-mongoose example as a process: ${found.skipReason}`, () => {
    it('follows the directory by webhook and by reconcile', () => {});
  });
} else {
  afterAll(() => found.stop());

  describe.each(found.targets)('the express-mongoose example as a process on $label', ({ uri }) => {
    let sim: Simulator;
    let app: AppProcess;
    const databaseUri = withDatabase(uri, `scim_example_express_mongoose_${randomBytes(4).toString('hex')}`);
    const adminToken = randomBytes(16).toString('hex');
    let organizationId: string;
    let directoryId: string;

    beforeAll(async () => {
      sim = await startSimulator({ seed: 11, timeScale: 0.001 });
      app = await startApp({
        cwd: exampleDir,
        env: {
          ...sim.env(),
          PORT: '0',
          MONGODB_URI: databaseUri,
          DATABASE_URL: undefined,
          ADMIN_TOKEN: adminToken,
          SCIM_SYNC_INTERVAL_MS: '0',
          LOG_LEVEL: 'warn',
        },
      });
    });

    afterAll(async () => {
      await app?.stop();
      await sim?.close();
      await dropDatabase(databaseUri);
    });

    it('follows the directory by webhook (duplicates, reordering) and by reconcile', async () => {
      const result = await followAndReconcile(sim, app.url, adminToken);
      organizationId = result.organizationId;
      directoryId = result.directoryId;
      expect(result.failedDeliveries, JSON.stringify(result.failedDeliveries.slice(0, 3))).toEqual([]);
      expect(result.afterWebhooks.differences).toEqual([]);
      expect(result.reconcileUpdated).toBe(1);
      expect(result.afterReconcile.differences).toEqual([]);
    });

    it("leaves the app's own fields and users alone: `plan` survives a reconcile that updates the user", async () => {
      // The app's plan field is set by the app (here: straight in its collection), never by the directory.
      const connection = await mongoose.createConnection(databaseUri).asPromise();
      try {
        const provisioned = { scimOrganizationId: organizationId, scimUserId: { $type: 'string' } };
        await connection.collection('users').updateMany(provisioned, { $set: { plan: 'enterprise' } });
        const invited = await fetch(new URL('/api/users', app.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'invited@example.test', name: 'Invited' }),
        });
        expect(invited.status).toBe(201);

        const someone = sim.state.users(directoryId)[1]!;
        sim.state.updateUser(someone.id, { department: 'Moved by the directory' });
        const api = appApi(app.url, adminToken);
        const report = (await api.sync(organizationId, 'full')) as { users: { updated: number } };
        expect(report.users.updated).toBe(1);

        const users = await api.users(organizationId);
        expect(users.find((user) => user.directoryUserId === someone.id)).toMatchObject({
          department: 'Moved by the directory',
          plan: 'enterprise',
        });
        expect(users.every((user) => (user as { plan?: string }).plan === 'enterprise')).toBe(true);
        // The invitation is outside the organization's directory: listed by the app, untouched by the reconcile.
        expect(
          await connection.collection('users').countDocuments({ email: 'invited@example.test', scimUserId: null }),
        ).toBe(1);
      } finally {
        await connection.close();
      }
    });

    it('answers a bad signature with 400 and the admin route without a token with 401', async () => {
      expect(await unauthenticatedAnswers(app.url)).toEqual({ webhook: 400, admin: 401 });
    });
  });
}
