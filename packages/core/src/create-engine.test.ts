import { describe, expect, it, vi } from 'vitest';
import { memoryAdapter } from './adapter/memory-adapter.js';
import { createScimEngine } from './create-engine.js';
import type { ScimEngineOptions } from './engine-options.js';
import { AdapterError } from './errors.js';
import type { LogFields, ScimLogger } from './logger.js';
import { generateWebhookSecret, signWebhook } from './webhook/verify.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);

function capturingLogger() {
  const lines: string[] = [];
  const sink = (message: string, fields?: LogFields) => lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  const logger: ScimLogger = { debug: sink, info: sink, warn: sink, error: sink };
  return { logger, lines };
}

function setup(options: Partial<ScimEngineOptions> = {}) {
  const secret = generateWebhookSecret();
  const adapter = memoryAdapter();
  const { logger, lines } = capturingLogger();
  const engine = createScimEngine({ adapter, webhookSecret: secret, logger, now: () => NOW, ...options });
  let n = 0;
  const deliver = (payload: unknown, opts: { timestamp?: number; secret?: string; raw?: string | Uint8Array } = {}) => {
    const body = opts.raw ?? JSON.stringify(payload);
    const id = `msg_${++n}`;
    const timestamp = opts.timestamp ?? nowSeconds;
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ secret: opts.secret ?? secret, id, timestamp, body }),
    };
    return engine.handleWebhook({ headers, rawBody: body });
  };
  return { engine, adapter, deliver, lines, secret };
}

const userCreated = (overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  spec_version: '1',
  id: 'evt_1',
  type: 'organization.directory.user_created',
  occurred_at: '2026-11-29T09:59:00.000000001Z',
  organization_id: 'org_1',
  object: 'DirectoryUser',
  data: { id: 'diruser_1', organization_id: 'org_1', email: 'ada@example.com', active: true, ...data },
  ...overrides,
});

describe('handleWebhook', () => {
  it('answers 201 for a processed event and 200 for its duplicate', async () => {
    const { deliver, adapter } = setup();
    expect(await deliver(userCreated())).toEqual({ status: 201, body: { status: 'processed', eventId: 'evt_1' } });
    expect(await deliver(userCreated())).toEqual({ status: 200, body: { status: 'duplicate', eventId: 'evt_1' } });
    expect(adapter.inspect.user('org_1', 'diruser_1')?.email).toBe('ada@example.com');
  });

  it('answers 200 for a stale event and keeps the newer state', async () => {
    const { deliver, adapter } = setup();
    await deliver(
      userCreated({ id: 'evt_2', occurred_at: '2026-11-29T09:59:00.000000002Z' }, { email: 'new@example.com' }),
    );
    const stale = await deliver(userCreated({ id: 'evt_1' }, { email: 'old@example.com' }));
    expect(stale).toEqual({ status: 200, body: { status: 'stale', eventId: 'evt_1' } });
    expect(adapter.inspect.user('org_1', 'diruser_1')?.email).toBe('new@example.com');
    expect(adapter.inspect.inbox('evt_1')?.status).toBe('stale');
  });

  it('records and acknowledges unknown event types', async () => {
    const { deliver, adapter } = setup();
    const response = await deliver(userCreated({ type: 'organization.directory.something_new', data: { x: 1 } }));
    expect(response).toEqual({ status: 200, body: { status: 'unknown_type', eventId: 'evt_1' } });
    const record = adapter.inspect.inbox('evt_1');
    expect(record?.type).toBe('organization.directory.something_new');
    expect(JSON.parse(record?.payload ?? 'null')).toMatchObject({ data: { x: 1 } });
  });

  it.each([
    ['a bad signature', { secret: generateWebhookSecret() }, 400, 'INVALID_SIGNATURE'],
    ['a stale timestamp', { timestamp: nowSeconds - 301 }, 400, 'INVALID_SIGNATURE'],
    ['a future timestamp', { timestamp: nowSeconds + 301 }, 400, 'INVALID_SIGNATURE'],
    ['malformed JSON', { raw: '{"id": "evt_1",' }, 400, 'INVALID_PAYLOAD'],
    ['non-UTF-8 bytes', { raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }, 400, 'INVALID_PAYLOAD'],
    ['an oversized body', { raw: `{"pad":"${'x'.repeat(1024 * 1024)}"}` }, 413, 'PAYLOAD_TOO_LARGE'],
  ] as const)('rejects %s and writes nothing', async (_name, opts, status, code) => {
    const { deliver, adapter } = setup();
    const response = await deliver(userCreated(), opts);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ status: 'error', code });
    expect(adapter.inspect.inboxSize()).toBe(0);
    expect(adapter.inspect.users()).toEqual([]);
  });

  it('rejects a payload of the wrong shape with 400 and writes nothing', async () => {
    const { deliver, adapter } = setup();
    const response = await deliver(userCreated({}, { groups: 'engineering' }));
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('INVALID_PAYLOAD');
    expect(response.body.message).toMatch(/data\.groups/);
    expect(adapter.inspect.inboxSize()).toBe(0);
  });

  it('rejects missing signature headers', async () => {
    const { engine, adapter } = setup();
    const response = await engine.handleWebhook({ headers: {}, rawBody: JSON.stringify(userCreated()) });
    expect(response).toMatchObject({ status: 400, body: { code: 'INVALID_SIGNATURE' } });
    expect(adapter.inspect.inboxSize()).toBe(0);
  });

  it('honours a custom body limit', async () => {
    const { deliver, engine } = setup({ maxBodyBytes: 100 });
    expect(engine.maxBodyBytes).toBe(100);
    expect((await deliver(userCreated())).status).toBe(413);
  });

  it('answers 500 when the change cannot be committed, and the retry applies it', async () => {
    const { deliver, adapter, lines } = setup();
    const upsert = vi.spyOn(adapter, 'transaction').mockRejectedValueOnce(new Error('connection reset'));
    const failed = await deliver(userCreated());
    expect(failed).toMatchObject({ status: 500, body: { status: 'error', code: 'STORAGE_FAILURE', eventId: 'evt_1' } });
    expect(adapter.inspect.inboxSize()).toBe(0);
    upsert.mockRestore();
    expect((await deliver(userCreated())).status).toBe(201);
    expect(lines.some((l) => l.includes('could not be committed'))).toBe(true);
  });

  it('retries a transaction that hit a conflict', async () => {
    const { deliver, adapter } = setup();
    const original = adapter.transaction.bind(adapter);
    let calls = 0;
    vi.spyOn(adapter, 'transaction').mockImplementation((fn) => {
      calls++;
      if (calls === 1) return Promise.reject(new AdapterError('TRANSACTION_CONFLICT', 'deadlock detected'));
      return original(fn);
    });
    expect((await deliver(userCreated())).status).toBe(201);
    expect(calls).toBe(2);
  });

  it('answers 500 with a configuration error when no secret is set, without touching the store', async () => {
    const previous = process.env.SCALEKIT_WEBHOOK_SECRET;
    delete process.env.SCALEKIT_WEBHOOK_SECRET;
    try {
      const adapter = memoryAdapter();
      const engine = createScimEngine({ adapter, logger: capturingLogger().logger });
      const response = await engine.handleWebhook({ headers: {}, rawBody: '{}' });
      expect(response).toMatchObject({ status: 500, body: { code: 'CONFIGURATION_ERROR' } });
    } finally {
      if (previous !== undefined) process.env.SCALEKIT_WEBHOOK_SECRET = previous;
    }
  });

  it('reads the secret from SCALEKIT_WEBHOOK_SECRET', async () => {
    const secret = generateWebhookSecret();
    const previous = process.env.SCALEKIT_WEBHOOK_SECRET;
    process.env.SCALEKIT_WEBHOOK_SECRET = secret;
    try {
      const adapter = memoryAdapter();
      const engine = createScimEngine({ adapter, now: () => NOW, logger: capturingLogger().logger });
      const body = JSON.stringify(userCreated());
      const headers = new Headers({
        'Webhook-Id': 'msg_1',
        'Webhook-Timestamp': String(nowSeconds),
        'Webhook-Signature': signWebhook({ secret, id: 'msg_1', timestamp: nowSeconds, body }),
      });
      expect((await engine.handleWebhook({ headers, rawBody: Buffer.from(body) })).status).toBe(201);
    } finally {
      if (previous === undefined) delete process.env.SCALEKIT_WEBHOOK_SECRET;
      else process.env.SCALEKIT_WEBHOOK_SECRET = previous;
    }
  });

  it('never logs the secret or the payload', async () => {
    const { deliver, lines, secret } = setup();
    await deliver(userCreated({}, { email: 'private-person@example.com' }));
    await deliver(userCreated(), { secret: generateWebhookSecret() });
    await deliver(userCreated({}, { groups: 'private-group-name' }));
    await deliver(userCreated({ type: 'organization.directory.new_thing', data: { token: 'tok_private' } }));
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const needle of [secret, secret.slice(6), 'private-person', 'private-group-name', 'tok_private']) {
      expect(all).not.toContain(needle);
    }
  });
});

describe('hooks', () => {
  it('run after commit, and a failing hook does not lose the change', async () => {
    const seen: string[] = [];
    const { deliver, adapter, lines } = setup({
      hooks: {
        onUserProvisioned: async ({ user }) => {
          // After commit: the user is already readable outside the transaction.
          const committed = await adapter.getEntities('org_1', 'user', [user.id]);
          seen.push(`provisioned ${user.id} committed=${committed.length === 1}`);
          throw new Error('mailer down');
        },
        onUserUpdated: ({ user }) => {
          seen.push(`updated ${user.email}`);
        },
        onUserDeprovisioned: ({ userId, action, reason }) => {
          seen.push(`deprovisioned ${userId} ${action} ${reason}`);
        },
      },
    });
    expect((await deliver(userCreated())).status).toBe(201);
    expect(adapter.inspect.user('org_1', 'diruser_1')).not.toBeNull();
    await deliver(
      userCreated(
        { id: 'evt_2', type: 'organization.directory.user_updated', occurred_at: '2026-11-29T09:59:01Z' },
        { email: 'b@example.com' },
      ),
    );
    await deliver(
      userCreated(
        { id: 'evt_3', type: 'organization.directory.user_deleted', occurred_at: '2026-11-29T09:59:02Z' },
        { email: undefined },
      ),
    );
    expect(seen).toEqual([
      'provisioned diruser_1 committed=true',
      'updated b@example.com',
      'deprovisioned diruser_1 deactivate deleted',
    ]);
    expect(lines.some((l) => l.includes('app hook failed') && l.includes('mailer down'))).toBe(true);
  });

  it('do not run for duplicates or stale events', async () => {
    const calls: string[] = [];
    const { deliver } = setup({ hooks: { onUserProvisioned: ({ user }) => void calls.push(user.id) } });
    await deliver(userCreated());
    await deliver(userCreated());
    await deliver(userCreated({ id: 'evt_0', occurred_at: '2026-11-29T09:58:00Z' }));
    expect(calls).toEqual(['diruser_1']);
  });
});
