import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScimAdapter, ScimStore } from '../../src/adapter/contract.js';
import { memoryAdapter } from '../../src/adapter/memory-adapter.js';
import { createScimEngine } from '../../src/create-engine.js';
import type { ScimEngine } from '../../src/engine-options.js';
import { AdapterError, ScimError } from '../../src/errors.js';
import { parseDirectoryEvent } from '../../src/events/parse.js';
import type { DirectoryApiClient } from '../../src/sync/types.js';
import { generateWebhookSecret, signWebhook } from '../../src/webhook/verify.js';
import { capturingLogger, NOW, NOW_S } from './harness.js';

const WEBHOOK_SECRET = generateWebhookSecret();
const CLIENT_SECRET = 'skc_client_secret_Zq9CLIENTSECRETx7';
const EMAIL_TAG = 'Zq9EMAILx7';
const ORG = 'org_secrets';

/** Every value that must never reach a log line, an answer or an error message. */
const FORBIDDEN = [WEBHOOK_SECRET, WEBHOOK_SECRET.slice('whsec_'.length), CLIENT_SECRET, EMAIL_TAG];

const emailArb = fc
  .string({ unit: fc.constantFrom(...'abcdefgh.'), minLength: 1, maxLength: 8 })
  .map((local) => `${local}.${EMAIL_TAG}@example.com`);

const actionArb = fc.oneof(
  fc.record({ kind: fc.constant('good' as const), email: emailArb, user: fc.nat(3) }),
  fc.record({ kind: fc.constant('wrong secret' as const), email: emailArb, user: fc.nat(3) }),
  fc.record({ kind: fc.constant('wrong shape' as const), email: emailArb, user: fc.nat(3) }),
  fc.record({ kind: fc.constant('malformed' as const), email: emailArb, user: fc.nat(3) }),
  fc.record({ kind: fc.constant('oversized' as const), email: emailArb, user: fc.nat(3) }),
  fc.record({ kind: fc.constant('adapter fails' as const), email: emailArb, user: fc.nat(3) }),
  fc.record({ kind: fc.constant('sync fails' as const), email: emailArb, user: fc.nat(3) }),
);

/** A Directory API client whose failures quote the credentials, as a careless SDK or proxy might. */
const leakyClient: DirectoryApiClient = {
  directory: {
    listDirectories: async () => {
      throw Object.assign(new Error(`token request failed: client_secret=${CLIENT_SECRET}`), { grpcStatus: 14 });
    },
    listDirectoryUsers: async () => {
      throw new Error(`unauthorized ${CLIENT_SECRET}`);
    },
    listDirectoryGroups: async () => {
      throw new Error(`unauthorized ${CLIENT_SECRET}`);
    },
  },
};

/** The memory adapter, whose writes fail while `failing` is set, with the offending row in the message. */
function flakyAdapter() {
  const inner = memoryAdapter();
  const state = { failing: false, driver: false };
  const wrap = (store: ScimStore): ScimStore =>
    new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'upsertUsers' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (state.failing) {
            // A driver error quotes the row; an adapter's own error keeps it only as its cause.
            const row = JSON.stringify(args[1], (_k, v) => (typeof v === 'bigint' ? String(v) : v));
            state.driver = !state.driver;
            if (state.driver) throw new Error(`duplicate key value violates unique constraint: ${row}`);
            throw new AdapterError('STORAGE_FAILURE', 'insert failed', { cause: new Error(row) });
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const adapter: ScimAdapter = { ...inner, transaction: (fn) => inner.transaction((store, tx) => fn(wrap(store), tx)) };
  return { adapter, state, inner };
}

describe('secrets and payload values stay out of logs and errors', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('over many good and bad deliveries, a failing adapter and a failing sync', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 12 }), async (actions) => {
        const { logger, lines } = capturingLogger();
        const { adapter, state, inner } = flakyAdapter();
        process.env.SCALEKIT_CLIENT_SECRET = CLIENT_SECRET;
        const engine: ScimEngine = createScimEngine({
          adapter,
          webhookSecret: WEBHOOK_SECRET,
          logger,
          now: () => NOW,
          maxBodyBytes: 4096,
          scalekit: leakyClient,
          sync: { maxRetries: 2, retryBaseMs: 1 },
          hooks: {
            onUserProvisioned: () => {
              throw new TypeError('hook failed');
            },
          },
        });
        const seen: string[] = [];
        let n = 0;
        for (const action of actions) {
          const id = `evt_${++n}`;
          const payload = {
            id,
            type: 'organization.directory.user_created',
            occurred_at: `2026-11-29T09:00:00.${String(n).padStart(9, '0')}Z`,
            organization_id: ORG,
            data: { id: `diruser_${action.user}`, email: action.email, name: action.email },
          };
          let body = JSON.stringify(payload);
          let secret = WEBHOOK_SECRET;
          if (action.kind === 'wrong secret') secret = generateWebhookSecret();
          if (action.kind === 'wrong shape')
            body = JSON.stringify({ ...payload, data: { id: action.email, active: action.email } });
          if (action.kind === 'malformed') body = body.slice(0, -3);
          if (action.kind === 'oversized') body = JSON.stringify({ ...payload, pad: action.email.repeat(400) });
          state.failing = action.kind === 'adapter fails';
          if (action.kind === 'sync fails') {
            try {
              await engine.sync({ organizationId: ORG });
              expect.unreachable('the leaky client always fails');
            } catch (error) {
              expect(error).toBeInstanceOf(ScimError);
              seen.push((error as Error).message, String(error), (error as Error).stack ?? '');
            }
            continue;
          }
          const headers = {
            'webhook-id': `msg_${n}`,
            'webhook-timestamp': String(NOW_S),
            'webhook-signature': signWebhook({ secret, id: `msg_${n}`, timestamp: NOW_S, body }),
          };
          const response = await engine.handleWebhook({ headers, rawBody: body });
          seen.push(JSON.stringify(response));
          try {
            // The same failure through applyEvent: its error message must be as clean as the answer.
            if (action.kind === 'adapter fails') {
              await engine.applyEvent(parseDirectoryEvent({ ...payload, id: `${id}_direct` }));
            }
          } catch (error) {
            expect(error).toBeInstanceOf(ScimError);
            const scim = error as ScimError;
            seen.push(scim.message, String(scim));
          }
        }
        state.failing = false;
        for (const syncState of [inner.inspect.syncState(ORG, 'dir_1')]) seen.push(JSON.stringify(syncState));
        for (const text of [...lines, ...seen]) {
          for (const forbidden of FORBIDDEN) expect(text).not.toContain(forbidden);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a sync through the real Scalekit SDK whose token request is refused does not reveal the client secret', async () => {
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'invalid_client', error_description: 'bad client credentials' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      process.env.SCALEKIT_ENVIRONMENT_URL = `http://127.0.0.1:${port}`;
      process.env.SCALEKIT_CLIENT_ID = 'skc_client_id';
      process.env.SCALEKIT_CLIENT_SECRET = CLIENT_SECRET;
      const { logger, lines } = capturingLogger();
      const engine = createScimEngine({ adapter: memoryAdapter(), logger, sync: { maxRetries: 1, retryBaseMs: 1 } });
      const error = await engine.sync({ organizationId: ORG }).then(
        () => expect.unreachable('the token request is refused'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ScimError);
      for (const text of [...lines, (error as Error).message, String(error)]) expect(text).not.toContain(CLIENT_SECRET);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
