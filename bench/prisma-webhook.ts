/**
 * The webhook path through @scim/adapter-prisma on PostgreSQL, in process (no HTTP): the ingest benchmark's
 * deliveries (user and group events over four organizations, redeliveries, late events) applied by
 * `engine.handleWebhook`, one at a time (a quiet app: each event in a transaction of its own) and 32 at once
 * (group commit), with the events/s and this process's CPU per event. Prisma's own cost per statement
 * (its query interpreter and driver adapter) dominates; the Drizzle figures are in `pnpm ingest`.
 *
 * Run: pnpm --filter @scim/bench prisma-webhook  (after pnpm build; needs PostgreSQL, TEST_POSTGRES_URL).
 * BENCH_PRISMA_WEBHOOK_DELIVERIES (default 3000).
 */
import { prismaAdapter } from '@scim/adapter-prisma';
import { createScimEngine, silentLogger } from '@scim/core';
import { generateWebhookSecret } from '@scim/core/testing';
import { createPrismaDatabase } from './databases.js';
import { ingestPlan } from './ingest/events.js';
import { sign } from './ingest/load.js';

const DELIVERIES = Number(process.env.BENCH_PRISMA_WEBHOOK_DELIVERIES ?? 3000);
const { prisma } = await createPrismaDatabase('scim_bench_prisma_webhook', 10);
const secret = generateWebhookSecret();
const adapter = prismaAdapter(prisma, {
  users: {
    model: 'User',
    organizationId: 'scimOrganizationId',
    userId: 'scimUserId',
    fields: (user) => ({
      email: user.email,
      givenName: user.givenName,
      familyName: user.familyName,
      username: user.username,
    }),
    active: 'isActive',
    roles: 'roles',
  },
});

async function run(inFlight: number, seed: number): Promise<{ perSecond: number; cpuMs: number }> {
  const engine = createScimEngine({ adapter, webhookSecret: secret, logger: silentLogger });
  const deliveries = sign(ingestPlan(DELIVERIES, seed).deliveries, secret);
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++]!;
        const answer = await engine.handleWebhook({ headers: delivery.headers, rawBody: delivery.body });
        if (answer.status >= 300) throw new Error(`delivery answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: deliveries.length / seconds, cpuMs: (used.user + used.system) / deliveries.length / 1000 };
}

// Each run has deliveries of its own (another seed), so the second is not all duplicates of the first.
await run(32, 1); // warm-up
console.log(`webhook path through @scim/adapter-prisma on PostgreSQL, ${DELIVERIES} deliveries a run, in process:`);
for (const [inFlight, seed] of [
  [1, 2],
  [32, 3],
] as const) {
  const { perSecond, cpuMs } = await run(inFlight, seed);
  console.log(
    `  ${String(inFlight).padStart(2)} at once: ${Math.round(perSecond).toLocaleString('en-US')} events/s, ${cpuMs.toFixed(2)} ms of CPU per event (this process)`,
  );
}
await prisma.$disconnect();
