import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWebhookSecret, signWebhook } from '@scim/core/testing';
import { type AppProcess, startApp } from '@scim/demo/harness';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeScalekit, readConfig } from '../src/config.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const NO_SCALEKIT = {
  SCALEKIT_ENVIRONMENT_URL: undefined,
  SCALEKIT_CLIENT_ID: undefined,
  SCALEKIT_CLIENT_SECRET: undefined,
};

describe('which Scalekit and which webhook secret the app uses', () => {
  const secret = generateWebhookSecret();

  it('keeps SCALEKIT_WEBHOOK_SECRET without the other three variables', () => {
    const config = readConfig({ SCALEKIT_WEBHOOK_SECRET: secret });
    expect(config.scalekit).toBeUndefined();
    expect(config.webhookSecret).toBe(secret);
  });

  it('says it in one line for each mode, never the secret', () => {
    const real = readConfig({
      SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.dev',
      SCALEKIT_CLIENT_ID: 'skc_1',
      SCALEKIT_CLIENT_SECRET: 'test_1',
      SCALEKIT_WEBHOOK_SECRET: secret,
    });
    expect(describeScalekit(real)).toBe(
      'scalekit: https://acme.scalekit.dev (SCALEKIT_ENVIRONMENT_URL); webhook secret: SCALEKIT_WEBHOOK_SECRET',
    );
    const own = describeScalekit(readConfig({ SCALEKIT_WEBHOOK_SECRET: secret }), 'http://127.0.0.1:9');
    expect(own).toContain('a local simulator at http://127.0.0.1:9');
    expect(own).toContain('webhook secret: SCALEKIT_WEBHOOK_SECRET (the simulator signs with it too)');
    const generated = describeScalekit(readConfig({}), 'http://127.0.0.1:9');
    expect(generated).toContain(
      "webhook secret: the simulator's own, generated at startup (SCALEKIT_WEBHOOK_SECRET is not set)",
    );
    for (const line of [describeScalekit(real), own]) expect(line).not.toContain(secret.slice('whsec_'.length));
  });
});

describe('the express-prisma example started with SCALEKIT_WEBHOOK_SECRET alone', () => {
  const secret = generateWebhookSecret();
  let app: AppProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'scim-example-secret-'));
    app = await startApp({
      cwd: exampleDir,
      env: {
        ...NO_SCALEKIT,
        SCALEKIT_WEBHOOK_SECRET: secret,
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: undefined,
        SCIM_SYNC_INTERVAL_MS: '0',
        LOG_LEVEL: 'warn',
      },
      startTimeoutMs: 240_000,
    });
  });

  afterAll(async () => {
    await app?.stop();
    await rm(dataDir, { recursive: true, force: true });
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
    // The simulator seeds 25 users by webhook when the app is up; a wrong secret would leave none.
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
