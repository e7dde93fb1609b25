/**
 * Dispatch throughput through the engine with the memory adapter, for a realistic mix of events:
 * user creates and updates (with group changes), 20% duplicate deliveries, 10% stale (older)
 * events, deletes, and group events. Prints events per second for applyEvent on parsed events and
 * for the whole webhook path (verify + parse + apply), and writes bench/results/dispatch.json.
 *
 * Run: pnpm --filter @scim/bench dispatch  (after pnpm build; --expose-gc lets rounds start on a clean heap)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createScimEngine, type DirectoryEvent, memoryAdapter, parseDirectoryEvent, silentLogger } from '@scim/core';
import { generateWebhookSecret, nanosToRfc3339, signWebhook } from '@scim/core/testing';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

// A small seeded PRNG so every run replays the same mix.
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Mix {
  payloads: Record<string, unknown>[];
  counts: Record<string, number>;
}

function buildMix(total: number, seed: number): Mix {
  const random = prng(seed);
  const org = 'org_bench';
  const groups = Array.from({ length: 20 }, (_, i) => ({ id: `dirgroup_${i}`, name: `Group ${i}` }));
  const counts: Record<string, number> = { create: 0, update: 0, delete: 0, group: 0, duplicate: 0, stale: 0 };
  const payloads: Record<string, unknown>[] = [];
  const users: string[] = [];
  let clock = 1_790_000_000_000_000_000n;
  let seq = 0;
  const envelope = (type: string, data: Record<string, unknown>, occurred: bigint) => ({
    spec_version: '1',
    id: `evt_${(++seq).toString(36)}`,
    type,
    occurred_at: nanosToRfc3339(occurred),
    environment_id: 'env_bench',
    organization_id: org,
    object: type.includes('group') ? 'DirectoryGroup' : 'DirectoryUser',
    data,
  });
  const userData = (id: string, n: number) => ({
    id,
    organization_id: org,
    email: `user${n}@example.com`,
    preferred_username: `user${n}`,
    given_name: 'Given',
    family_name: `Family${n}`,
    name: `Given Family${n}`,
    active: true,
    groups: [groups[Math.floor(random() * groups.length)], groups[Math.floor(random() * groups.length)]],
    roles: [{ role_name: 'member' }],
    department: 'Engineering',
    custom_attributes: { costCenter: 'cc-1' },
  });
  while (payloads.length < total) {
    clock += 1_000_000n;
    const r = random();
    if (r < 0.2 && payloads.length > 0) {
      // A duplicate delivery of an earlier event.
      payloads.push(payloads[Math.floor(random() * payloads.length)]!);
      counts.duplicate!++;
    } else if (r < 0.3 && users.length > 0) {
      // A stale event: an update for an existing user, older than anything it has seen.
      const id = users[Math.floor(random() * users.length)]!;
      payloads.push(envelope('organization.directory.user_updated', userData(id, 0), 1_700_000_000_000_000_000n));
      counts.stale!++;
    } else if (r < 0.55 || users.length < 10) {
      const id = `diruser_${users.length}`;
      users.push(id);
      payloads.push(envelope('organization.directory.user_created', userData(id, users.length), clock));
      counts.create!++;
    } else if (r < 0.9) {
      const id = users[Math.floor(random() * users.length)]!;
      payloads.push(envelope('organization.directory.user_updated', userData(id, Math.floor(random() * 1e6)), clock));
      counts.update!++;
    } else if (r < 0.96) {
      const id = users[Math.floor(random() * users.length)]!;
      payloads.push(envelope('organization.directory.user_deleted', { id, organization_id: org }, clock));
      counts.delete!++;
    } else {
      const g = groups[Math.floor(random() * groups.length)]!;
      payloads.push(
        envelope(
          'organization.directory.group_updated',
          { id: g.id, organization_id: org, directory_id: 'dir_bench', display_name: `${g.name} v${seq}` },
          clock,
        ),
      );
      counts.group!++;
    }
  }
  return { payloads, counts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Starts each round on a clean heap, so a round does not pay for the previous round's garbage. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
  if (process.env.BENCH_DEBUG) console.log('heapUsed MiB', Math.round(process.memoryUsage().heapUsed / 1048576));
}

async function applyRound(events: DirectoryEvent[]): Promise<{ perSecond: number; outcomes: Record<string, number> }> {
  collectGarbage();
  const engine = createScimEngine({ adapter: memoryAdapter(), logger: silentLogger, webhookSecret: 'whsec_AAAA' });
  const outcomes: Record<string, number> = {};
  const start = process.hrtime.bigint();
  for (const event of events) {
    const { outcome } = await engine.applyEvent(event);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: events.length / seconds, outcomes };
}

async function webhookRound(bodies: { body: string; headers: Record<string, string> }[], secret: string, now: Date) {
  collectGarbage();
  const engine = createScimEngine({
    adapter: memoryAdapter(),
    logger: silentLogger,
    webhookSecret: secret,
    now: () => now,
  });
  const start = process.hrtime.bigint();
  for (const { body, headers } of bodies) {
    const response = await engine.handleWebhook({ headers, rawBody: body });
    if (response.status >= 300) throw new Error(`unexpected ${response.status}`);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return bodies.length / seconds;
}

async function main() {
  const { payloads, counts } = buildMix(EVENTS, 42);

  // Phase 1: applyEvent on parsed events. Only what this phase needs is alive, so the garbage
  // collector's work reflects the engine and the store, not the benchmark's own arrays.
  let events: DirectoryEvent[] | null = payloads.map((p) => parseDirectoryEvent(p));
  await applyRound(events.slice(0, 20_000));
  const applyRates: number[] = [];
  let outcomes: Record<string, number> = {};
  for (let i = 0; i < ROUNDS; i++) {
    const round = await applyRound(events);
    applyRates.push(round.perSecond);
    outcomes = round.outcomes;
  }
  events = null;

  // Phase 2: deliveries as they come over the wire: raw body plus Standard Webhooks headers.
  const secret = generateWebhookSecret();
  const now = new Date();
  const timestamp = Math.floor(now.getTime() / 1000);
  const deliveries = payloads.map((payload, i) => {
    const body = JSON.stringify(payload);
    const id = `msg_${i}`;
    return {
      body,
      headers: {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook({ secret, id, timestamp, body }),
      },
    };
  });
  payloads.length = 0;
  await webhookRound(deliveries.slice(0, 5_000), secret, now);
  const webhookRates: number[] = [];
  for (let i = 0; i < ROUNDS; i++) webhookRates.push(await webhookRound(deliveries, secret, now));

  const apply = median(applyRates);
  const webhook = median(webhookRates);
  const rss = process.memoryUsage().rss;
  const result = {
    benchmark: 'dispatch',
    events: EVENTS,
    rounds: ROUNDS,
    mix: counts,
    outcomes,
    applyEventsPerSecond: Math.round(apply),
    webhookEventsPerSecond: Math.round(webhook),
    target: 50_000,
    meetsTarget: apply >= 50_000,
    rssMiB: Math.round(rss / 1024 / 1024),
    node: process.version,
  };
  console.log(`dispatch benchmark: ${EVENTS} events per round, median of ${ROUNDS} rounds, memory adapter, one core`);
  console.log(
    `  mix:       ${Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(
    `  outcomes:  ${Object.entries(outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(`  applyEvent (parsed events):        ${result.applyEventsPerSecond.toLocaleString('en-US')} events/s`);
  console.log(`    rounds: ${applyRates.map((r) => Math.round(r)).join(', ')}`);
  console.log(
    `  handleWebhook (verify+parse+apply): ${result.webhookEventsPerSecond.toLocaleString('en-US')} events/s`,
  );
  console.log(`  target >= 50,000 events/s for dispatch: ${result.meetsTarget ? 'met' : 'NOT met'}`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/dispatch.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
}

await main();
