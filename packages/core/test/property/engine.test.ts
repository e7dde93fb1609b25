import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScimStore } from '../../src/adapter/contract.js';
import { type MemoryAdapter, memoryAdapter } from '../../src/adapter/memory-adapter.js';
import { AdapterError, ScimError, type ScimErrorCode } from '../../src/errors.js';
import { parseDirectoryEvent } from '../../src/events/parse.js';
import { silentLogger } from '../../src/logger.js';
import { generateWebhookSecret, signWebhook } from '../../src/webhook/verify.js';
import { DATA_FIELDS, dataKindOf, deepJson, MARKER, validEventArb, wrongValuesFor } from './arbitraries.js';
import { fullSnapshot, harness, NOW_S } from './harness.js';
import { type History, historyArb, observedState, ROLE_TABLE, referenceModel, toPayload } from './reference-model.js';

const SECRET = generateWebhookSecret();
const ERROR_CODES: readonly ScimErrorCode[] = [
  'INVALID_SIGNATURE',
  'INVALID_PAYLOAD',
  'PAYLOAD_TOO_LARGE',
  'CONFIGURATION_ERROR',
  'UNIQUE_VIOLATION',
  'NOT_FOUND',
  'TRANSACTION_CONFLICT',
  'STORAGE_FAILURE',
];

/** A history, and a delivery order: every event one to three times, shuffled. */
const scenarioArb = fc
  .record({ history: historyArb('org_1', ''), deprovision: fc.constantFrom('deactivate', 'delete' as const) })
  .chain(({ history, deprovision }) =>
    fc
      .array(
        fc.tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), fc.boolean()),
        {
          minLength: history.events.length,
          maxLength: history.events.length,
        },
      )
      .map((plan) => {
        const deliveries = history.events.flatMap((event, i) => {
          const [copies, keys, asBytes] = plan[i]!;
          return keys.slice(0, copies).map((key) => ({ key, event, asBytes }));
        });
        deliveries.sort((a, b) => a.key - b.key);
        return { history, deprovision, deliveries };
      }),
  );

const bodyOf = (history: History, event: History['events'][number], asBytes = false) => {
  const text = JSON.stringify(toPayload(history.organizationId, event));
  return asBytes ? new TextEncoder().encode(text) : text;
};

async function applyInOrder(adapter: MemoryAdapter, history: History, deprovision: 'deactivate' | 'delete') {
  const h = harness(adapter, SECRET, { logger: silentLogger, groupRoles: ROLE_TABLE, deprovision });
  const sorted = [...history.events].sort((a, b) => (a.version < b.version ? -1 : 1));
  for (const event of sorted) {
    const response = await h.deliver(bodyOf(history, event));
    expect(response.status).toBe(event.kind === 'unknown' ? 200 : 201);
  }
}

describe('engine properties over the memory adapter', () => {
  it('duplicated, shuffled deliveries end in the state of each event applied once in version order', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ history, deprovision, deliveries }) => {
        const adapter = memoryAdapter();
        const h = harness(adapter, SECRET, { logger: silentLogger, groupRoles: ROLE_TABLE, deprovision });
        for (const { event, asBytes } of deliveries) {
          const response = await h.deliver(bodyOf(history, event, asBytes));
          expect([200, 201]).toContain(response.status);
        }
        const expected = referenceModel(history, deprovision);
        expect(observedState(adapter, history.universe)).toEqual(expected);

        const inOrder = memoryAdapter();
        await applyInOrder(inOrder, history, deprovision);
        expect(observedState(inOrder, history.universe)).toEqual(expected);
      }),
      { numRuns: 80 },
    );
  });

  it('any invalid delivery is answered with a typed error and leaves the store unchanged', async () => {
    const MAX_BODY = 32 * 1024;
    const signedBody = (body: string | Uint8Array, secret = SECRET, timestamp = NOW_S) => ({
      headers: {
        'webhook-id': 'msg_x',
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook({ secret, id: 'msg_x', timestamp, body }),
      },
      rawBody: body,
    });
    const wrongShape = validEventArb
      .filter(({ payload }) => dataKindOf(payload.type) !== null)
      .chain(({ payload }) => {
        const fields = DATA_FIELDS[dataKindOf(payload.type)!];
        return fc.constantFrom(...Object.keys(fields)).chain((field) =>
          wrongValuesFor(fields[field]!).map((value) => {
            const data = { ...(payload.data as Record<string, unknown>), [field]: value };
            return JSON.stringify({ ...payload, data });
          }),
        );
      });
    const requestArb = fc.oneof(
      fc.string().map((text) => ({ kind: 'bad signature', ...signedBody(text, generateWebhookSecret()) })),
      fc.string().map((text) => ({ kind: 'stale', ...signedBody(text, SECRET, NOW_S - 301) })),
      fc.string().map((text) => ({ kind: 'unsigned', headers: { 'webhook-id': 'msg_x' }, rawBody: text })),
      fc
        .constantFrom(null, undefined, 42, [], [null], [{}])
        .map((headers) => ({ kind: 'no headers', headers, rawBody: '{}' })),
      fc
        .string()
        .filter((text) => !isJson(text))
        .map((text) => ({ kind: 'bad json', ...signedBody(text) })),
      fc.uint8Array({ minLength: 1 }).map((bytes) => ({ kind: 'bytes', ...signedBody(Uint8Array.of(0xff, ...bytes)) })),
      wrongShape.map((text) => ({ kind: 'wrong shape', ...signedBody(text) })),
      fc.jsonValue().map((value) => ({ kind: 'any json', ...signedBody(JSON.stringify(value) ?? 'null') })),
      fc
        .integer({ min: MAX_BODY + 1, max: MAX_BODY * 4 })
        .map((size) => ({ kind: 'oversized', ...signedBody(`{"pad":"${MARKER}${'x'.repeat(size)}"}`) })),
      fc.constantFrom({}, 123, null).map((rawBody) => ({ kind: 'not raw', ...signedBody('{}'), rawBody })),
    );
    await fc.assert(
      fc.asyncProperty(
        historyArb('org_1', 'pre', 12),
        fc.array(requestArb, { minLength: 1, maxLength: 5 }),
        async (history, requests) => {
          const adapter = memoryAdapter();
          await applyInOrder(adapter, history, 'deactivate');
          const h = harness(adapter, SECRET, { logger: silentLogger, maxBodyBytes: MAX_BODY });
          const before = fullSnapshot(adapter, history.universe);
          for (const request of requests) {
            const response = await h.engine.handleWebhook(request as never);
            if (request.kind === 'any json' && response.status < 300) continue;
            expect(response.status, request.kind).toBeGreaterThanOrEqual(400);
            expect(response.body.status).toBe('error');
            expect(ERROR_CODES).toContain(response.body.code);
            expect(response.body.message).not.toContain(MARKER);
          }
          expect(fullSnapshot(adapter, history.universe)).toEqual(before);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a signed payload too deeply nested to store is rejected as invalid, not failed for ever', async () => {
    await fc.assert(
      fc.asyncProperty(
        validEventArb,
        fc.integer({ min: 1_000, max: 100_000 }),
        fc.constantFrom('data', 'custom_attributes', 'raw_attributes', 'address'),
        async ({ payload }, depth, where) => {
          const adapter = memoryAdapter();
          const h = harness(adapter, SECRET, { logger: silentLogger });
          const hole = `"${MARKER}"`;
          const data =
            where === 'data' || typeof payload.data !== 'object' || payload.data === null || Array.isArray(payload.data)
              ? MARKER
              : { ...(payload.data as Record<string, unknown>), [where]: MARKER };
          const body = JSON.stringify({ ...payload, data }).replace(hole, `${'['.repeat(depth)}${']'.repeat(depth)}`);
          const response = await h.deliver(body);
          // 500 makes Scalekit retry a delivery that can never succeed.
          expect(response.status).not.toBe(500);
          if (response.status === 400) expect(response.body.code).toBe('INVALID_PAYLOAD');
        },
      ),
      { numRuns: 40 },
    );
    expect(deepJson(3)).toEqual([{ nested: [MARKER] }]);
  });

  it('failures anywhere in the adapter surface as ScimErrors, roll back, and a redelivery completes the change', async () => {
    const failureArb = fc.record({
      at: fc.nat(20),
      thrown: fc.constantFrom('Error', 'TypeError', 'conflict', 'unique', 'storage', 'string', 'undefined', 'object'),
    });
    await fc.assert(
      fc.asyncProperty(
        historyArb('org_1', ''),
        fc.array(failureArb, { minLength: 30, maxLength: 30 }),
        async (history, failures) => {
          const adapter = memoryAdapter();
          const faulty = failing(adapter);
          const h = harness(faulty.adapter, SECRET, { logger: silentLogger, groupRoles: ROLE_TABLE });
          const sorted = [...history.events].sort((a, b) => (a.version < b.version ? -1 : 1));
          for (const [i, raw] of sorted.entries()) {
            const event = parseDirectoryEvent(toPayload(history.organizationId, raw));
            const before = fullSnapshot(adapter, history.universe);
            faulty.arm(failures[i]!.at, failures[i]!.thrown);
            try {
              await h.engine.applyEvent(event);
            } catch (error) {
              expect(error).toBeInstanceOf(ScimError);
              expect(ERROR_CODES).toContain((error as ScimError).code);
              expect(fullSnapshot(adapter, history.universe)).toEqual(before);
              faulty.arm(-1, 'Error');
              await h.engine.applyEvent(event);
            }
          }
          expect(observedState(adapter, history.universe)).toEqual(referenceModel(history, 'deactivate'));
        },
      ),
      { numRuns: 60 },
    );
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function thrownValue(kind: string): unknown {
  switch (kind) {
    case 'Error':
      return new Error(`driver failed near ${MARKER}`);
    case 'TypeError':
      return new TypeError(`cannot read ${MARKER}`);
    case 'conflict':
      return new AdapterError('TRANSACTION_CONFLICT', 'deadlock');
    case 'unique':
      return new AdapterError('UNIQUE_VIOLATION', 'duplicate');
    case 'storage':
      return new AdapterError('STORAGE_FAILURE', 'disk full');
    case 'string':
      return MARKER;
    case 'undefined':
      return undefined;
    default:
      return { message: MARKER };
  }
}

/**
 * The memory adapter with one fault armed: the `at`-th store call of the next transaction throws.
 * A conflict is thrown once, so the engine's retry goes through.
 */
function failing(inner: MemoryAdapter): { adapter: MemoryAdapter; arm(at: number, kind: string): void } {
  let remaining = -1;
  let kind = 'Error';
  const wrap = (store: ScimStore): ScimStore =>
    new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (remaining >= 0 && remaining-- === 0) throw thrownValue(kind);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const adapter: MemoryAdapter = {
    ...inner,
    transaction: (fn) => inner.transaction((store, tx) => fn(wrap(store), tx)),
  };
  return {
    adapter,
    arm(at, thrown) {
      remaining = at;
      kind = thrown;
    },
  };
}

describe('examples the properties found', () => {
  it('deleting a group takes away the roles it granted', async () => {
    const adapter = memoryAdapter();
    const h = harness(adapter, SECRET, { logger: silentLogger, groupRoles: { Admins: 'admin' } });
    const at = (n: number) => `2026-11-29T09:00:00.00000000${n}Z`;
    const event = (n: number, type: string, data: Record<string, unknown>) =>
      JSON.stringify({ id: `evt_${n}`, type, occurred_at: at(n), organization_id: 'org_1', data });
    await h.deliver(event(1, 'organization.directory.group_created', { id: 'dirgroup_1', display_name: 'Admins' }));
    await h.deliver(
      event(2, 'organization.directory.user_created', {
        id: 'diruser_1',
        roles: [{ role_name: 'member' }],
        groups: [{ id: 'dirgroup_1', name: 'Admins' }],
      }),
    );
    expect(adapter.inspect.user('org_1', 'diruser_1')?.roles).toEqual(['member', 'admin']);
    await h.deliver(event(3, 'organization.directory.group_deleted', { id: 'dirgroup_1' }));
    expect(adapter.inspect.user('org_1', 'diruser_1')?.roles).toEqual(['member']);
  });
});
