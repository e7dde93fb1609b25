import { createScimEngine, memoryAdapter, silentLogger } from '@scim/core';
import { generateWebhookSecret } from '@scim/core/testing';
import { BINDINGS, type RunningApp, startApp } from '../apps.js';
import { send, signedDelivery } from '../fixtures.js';
import type { Scenario } from '../scenario.js';
import { memoryView } from '../store-view.js';
import { compareTenants, inParallel, organizationIds, shuffled, tenantTraffic } from '../tenant-traffic.js';

const ORGANIZATIONS = 6;
const USERS = 40;
const CONCURRENCY = 16;

export const tenantIsolationScenario: Scenario = {
  id: 'tenant-isolation',
  title: 'Tenant isolation under concurrent traffic',
  kind: 'correctness',
  injected: `${ORGANIZATIONS} organizations whose directories use the SAME user and group ids (diruser_1..${USERS}, dirgroup_1..3) with different emails, departments, groups and deletions; every event shuffled, each delivered twice, ${CONCURRENCY} in flight, spread over an Express and a Fastify app sharing one store; mixed in, forged deletions whose data names a different organization than their envelope.`,
  checked:
    "Each organization ends with exactly its own users: own emails, departments, groups and deactivations, none of another tenant's; every forged delivery is refused 400 and changes nothing; each event is claimed once (201 processed, or 200 stale when a newer change of the entity was already in) and its second copy answers 200 duplicate; the inbox holds one record per event.",
  async run(r) {
    const secret = generateWebhookSecret();
    const adapter = memoryAdapter();
    const engine = createScimEngine({ adapter, webhookSecret: secret, logger: silentLogger });
    const apps: RunningApp[] = [];
    for (const binding of BINDINGS) apps.push(await startApp(binding, engine));
    const traffic = tenantTraffic(organizationIds(ORGANIZATIONS), USERS);
    const deliveries = shuffled(
      [
        ...traffic.events.flatMap((event) => [
          { event, forged: false },
          { event, forged: false },
        ]),
        ...traffic.forged.map((event) => ({ event, forged: true })),
      ],
      20261129,
    );
    const statuses = new Map<string, number>();
    try {
      await inParallel(deliveries, CONCURRENCY, async ({ event, forged }, index) => {
        const app = apps[index % apps.length]!;
        const delivery = signedDelivery(secret, event.payload, { timestamp: Math.floor(Date.now() / 1000) });
        const answer = await send(app.url, delivery);
        const outcome = (answer.json as { status?: string } | undefined)?.status ?? 'no body';
        const key = `${forged ? 'forged' : 'genuine'}: ${answer.status} ${outcome}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (forged) r.equal(answer.status, 400, `forged ${event.payload.id} status`);
        else r.check(answer.status === 200 || answer.status === 201, `${event.payload.id}: status ${answer.status}`);
      });
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
    const view = memoryView(adapter);
    const differences = await compareTenants(view, traffic.expected);
    for (const difference of differences) r.check(false, difference);
    r.equal(await view.inboxCount(), traffic.events.length, 'inbox records (one per genuine event)');
    const first = (statuses.get('genuine: 201 processed') ?? 0) + (statuses.get('genuine: 200 stale') ?? 0);
    r.equal(
      first,
      traffic.events.length,
      'genuine deliveries claimed once (processed, or stale when a newer change was in)',
    );
    r.equal(statuses.get('genuine: 200 duplicate') ?? 0, traffic.events.length, 'second copies answered duplicate');
    r.figure('organizations', ORGANIZATIONS);
    r.figure('genuine events', traffic.events.length);
    r.figure('deliveries (each event twice, plus forged)', deliveries.length);
    r.figure('forged cross-tenant deliveries', traffic.forged.length);
    r.figure('differences from the expected state', differences.length);
    r.table({
      title: 'Answers',
      columns: ['delivery', 'answers'],
      rows: [...statuses].sort(([a], [b]) => a.localeCompare(b)),
    });
  },
};
