import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryAdapter } from '../../src/adapter/memory-adapter.js';
import { silentLogger } from '../../src/logger.js';
import { generateWebhookSecret } from '../../src/webhook/verify.js';
import { harness } from './harness.js';
import { type History, historyArb, observedState, ROLE_TABLE, referenceModel, toPayload } from './reference-model.js';

const SECRET = generateWebhookSecret();
const ORGS = ['org_a', 'org_b', 'org_c'] as const;

/**
 * Three organizations with the SAME user, group and directory ids, each with its own history. Event
 * ids differ per organization: Scalekit's are unique across organizations, and the inbox relies on it.
 */
const scenarioArb = fc.tuple(...ORGS.map((org) => historyArb(org, `${org}_`, 20))).chain((histories) => {
  const all = histories.flatMap((history) => history.events.map((event) => ({ history, event })));
  return fc.array(fc.tuple(fc.nat(), fc.boolean()), { minLength: all.length, maxLength: all.length }).map((keys) => {
    const deliveries = all.flatMap((d, i) => {
      const [key, twice] = keys[i]!;
      return twice
        ? [
            { ...d, key },
            { ...d, key: key ^ 0x5555 },
          ]
        : [{ ...d, key }];
    });
    deliveries.sort((a, b) => a.key - b.key);
    return { histories, deliveries };
  });
});

const body = (history: History, event: History['events'][number]) =>
  JSON.stringify(toPayload(history.organizationId, event));

describe('tenant isolation', () => {
  it('organizations delivered concurrently on one adapter each end as if alone', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ histories, deliveries }) => {
        const shared = memoryAdapter();
        const h = harness(shared, SECRET, { logger: silentLogger, groupRoles: ROLE_TABLE });
        const responses = await Promise.all(deliveries.map(({ history, event }) => h.deliver(body(history, event))));
        for (const response of responses) expect([200, 201]).toContain(response.status);

        for (const history of histories) {
          const alone = memoryAdapter();
          const solo = harness(alone, SECRET, { logger: silentLogger, groupRoles: ROLE_TABLE });
          const sorted = [...history.events].sort((a, b) => (a.version < b.version ? -1 : 1));
          for (const event of sorted) await solo.deliver(body(history, event));

          const u = history.universe;
          expect(observedState(shared, u)).toEqual(observedState(alone, u));
          expect(observedState(shared, u)).toEqual(referenceModel(history, 'deactivate'));
          for (const user of shared.inspect.users(history.organizationId)) {
            expect(user.organizationId).toBe(history.organizationId);
            expect(u.userIds).toContain(user.id);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
