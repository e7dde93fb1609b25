import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { generateWebhookSecret, signWebhook } from '@scim/core/testing';
import { type AppProcess, startApp } from '@scim/demo/harness';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dropDatabase, findMongoTargets, withDatabase } from './mongo-target.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const found = await findMongoTargets();
const NO_SCALEKIT = {
  SCALEKIT_ENVIRONMENT_URL: undefined,
  SCALEKIT_CLIENT_ID: undefined,
  SCALEKIT_CLIENT_SECRET: undefined,
};

if ('skipReason' in found) {
  describe.skip(`the express-mongoose example started with SCALEKIT_WEBHOOK_SECRET alone: ${found.skipReason}`, () => {
    it('honours the variable and says so at startup', () => {});
  });
} else {
  afterAll(() => found.stop());

  describe('the express-mongoose example started with SCALEKIT_WEBHOOK_SECRET alone', () => {
    const secret = generateWebhookSecret();
    const databaseUri = withDatabase(found.targets[0]!.uri, `scim_example_secret_${randomBytes(4).toString('hex')}`);
    let app: AppProcess;

    beforeAll(async () => {
      app = await startApp({
        cwd: exampleDir,
        env: {
          ...NO_SCALEKIT,
          SCALEKIT_WEBHOOK_SECRET: secret,
          PORT: '0',
          MONGODB_URI: databaseUri,
          DATABASE_URL: undefined,
          SCIM_SYNC_INTERVAL_MS: '0',
          LOG_LEVEL: 'warn',
        },
      });
    });

    afterAll(async () => {
      await app?.stop();
      await dropDatabase(databaseUri);
    });

    async function deliver(signingSecret: string): Promise<number> {
      const id = `evt_${randomBytes(8).toString('hex')}`;
      const body = JSON.stringify({
        spec_version: '1',
        id,
        type: 'example.secret.check',
        occurred_at: new Date().toISOString(),
        organization_id: 'org_secretcheck',
        data: {},
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(new URL('/webhooks/scalekit', app.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook({ secret: signingSecret, id, timestamp, body }),
        },
        body,
      });
      return response.status;
    }

    it('says at startup that it runs a local simulator with the secret of SCALEKIT_WEBHOOK_SECRET, never the secret', () => {
      expect(app.output()).toMatch(
        /scalekit: a local simulator at http:\/\/127\.0\.0\.1:\d+ .*; webhook secret: SCALEKIT_WEBHOOK_SECRET \(the simulator signs with it too\)/,
      );
      expect(app.output()).not.toContain(secret.slice('whsec_'.length));
    });

    it('accepts a delivery signed with SCALEKIT_WEBHOOK_SECRET and refuses one signed with another', async () => {
      expect(await deliver(secret)).toBe(200);
      expect(await deliver(generateWebhookSecret())).toBe(400);
    });

    it("accepts its simulator's deliveries, signed with the same secret", async () => {
      await vi.waitFor(
        async () => {
          const { users } = (await (await fetch(new URL('/api/users', app.url))).json()) as {
            users: { directoryUserId: string | null }[];
          };
          expect(users.filter((user) => user.directoryUserId !== null)).toHaveLength(25);
        },
        { timeout: 100_000, interval: 250 },
      );
    });
  });
}
