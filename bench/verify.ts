/**
 * Webhook verification throughput: @scim/core's verifier against the Scalekit SDK's verifyWebhookPayload,
 * on the same realistic user_created delivery. Prints a table and writes bench/results/verify.json.
 *
 * Method: warm both up, then run ROUNDS timed rounds of OPS_PER_ROUND verifications each, alternating which
 * implementation goes first, and report the median round and the ratio of the medians (plus the median of
 * the per-round ratios, steadier on a busy machine). Each verification must succeed, which also keeps the
 * work from being optimised away.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { ScalekitClient } from '@scalekit-sdk/node';
import { createWebhookVerifier } from '@scim/core';
import { generateWebhookSecret, signWebhook } from '@scim/core/testing';

const WARMUP_OPS = 20_000;
const OPS_PER_ROUND = 10_000;
const ROUNDS = 21;

const payload = JSON.stringify({
  spec_version: '1',
  id: 'evt_1029384756102938475',
  type: 'organization.directory.user_created',
  occurred_at: '2025-11-28T14:03:12.482913576Z',
  environment_id: 'env_58462219934567821',
  organization_id: 'org_58462219934567822',
  object: 'DirectoryUser',
  display_name: 'Directory user created',
  data: {
    id: 'diruser_69874512365478963',
    organization_id: 'org_58462219934567822',
    dp_id: '00u1a2b3c4d5e6f7g8h9',
    email: 'ada.lovelace@example.com',
    preferred_username: 'ada.lovelace@example.com',
    name: 'Ada Lovelace',
    given_name: 'Ada',
    family_name: 'Lovelace',
    nickname: 'ada',
    active: true,
    groups: [
      { id: 'dirgroup_69874512365478001', name: 'Engineering' },
      { id: 'dirgroup_69874512365478002', name: 'Analytical Engines' },
    ],
    roles: [{ role_name: 'member' }, { role_name: 'billing_viewer' }],
    title: 'Principal Engineer',
    department: 'Research',
    division: 'Computing',
    cost_center: 'CC-1815',
    employee_id: 'E-001815',
    user_type: 'Employee',
    phone_number: '+44 20 7946 0958',
    locale: 'en-GB',
    language: 'en',
    zoneinfo: 'Europe/London',
    picture: 'https://cdn.example.com/avatars/ada-lovelace.png',
    profile: 'https://intranet.example.com/people/ada.lovelace',
    address: {
      street_address: '12 St James Square',
      locality: 'London',
      region: 'Greater London',
      postal_code: 'SW1Y 4JH',
      country: 'GB',
    },
    custom_attributes: { start_date: '2019-03-04', manager_email: 'charles.babbage@example.com' },
    raw_attributes: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ada.lovelace@example.com',
      externalId: '00u1a2b3c4d5e6f7g8h9',
      displayName: 'Ada Lovelace',
    },
  },
});

const secret = generateWebhookSecret();
const id = 'evt_1029384756102938475';
const timestamp = Math.floor(Date.now() / 1000);
// A Node IncomingHttpHeaders as a framework hands it over: lowercase keys, the webhook headers among others.
const headers: Record<string, string> = {
  host: 'api.example.com',
  'user-agent': 'Scalekit-Webhooks/1.0',
  'content-length': String(Buffer.byteLength(payload)),
  'content-type': 'application/json',
  'accept-encoding': 'gzip',
  'x-forwarded-for': '203.0.113.7',
  'x-forwarded-proto': 'https',
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signWebhook({ secret, id, timestamp, body: payload }),
};

const verify = createWebhookVerifier({ secret });
const client = new ScalekitClient('http://127.0.0.1:1', 'id', 'secret');

const contenders: Record<string, () => boolean> = {
  '@scim/core': () => verify(headers, payload).ok,
  '@scalekit-sdk/node': () => client.verifyWebhookPayload(secret, headers, payload),
};

function run(verifyOnce: () => boolean, ops: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    if (!verifyOnce()) throw new Error('verification failed during the benchmark');
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const names = Object.keys(contenders);
for (const name of names) run(contenders[name]!, WARMUP_OPS);

const opsPerSecond = new Map<string, number[]>(names.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) opsPerSecond.get(name)!.push(OPS_PER_ROUND / run(contenders[name]!, OPS_PER_ROUND));
}

const results = names.map((name) => {
  const rounds = opsPerSecond.get(name)!;
  return { name, medianOpsPerSecond: Math.round(median(rounds)), rounds: rounds.map(Math.round) };
});
const oursRounds = opsPerSecond.get(names[0]!)!;
const sdkRounds = opsPerSecond.get(names[1]!)!;
const ratio = round3(results[0]!.medianOpsPerSecond / results[1]!.medianOpsPerSecond);
// Both ran back to back in each round, so a per-round ratio cancels most of the machine's load swings.
const pairedRatio = round3(median(oursRounds.map((ours, index) => ours / sdkRounds[index]!)));

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

console.log(`Webhook verification, ${Buffer.byteLength(payload)} B user_created delivery`);
console.log(`${ROUNDS} rounds x ${OPS_PER_ROUND} ops after ${WARMUP_OPS} warm-up ops, median round\n`);
console.log(`${'implementation'.padEnd(22)}${'ops/s'.padStart(12)}${'µs/op'.padStart(10)}`);
for (const { name, medianOpsPerSecond } of results) {
  const micros = (1e6 / medianOpsPerSecond).toFixed(2);
  console.log(`${name.padEnd(22)}${medianOpsPerSecond.toLocaleString('en-US').padStart(12)}${micros.padStart(10)}`);
}
console.log(`\nratio @scim/core / SDK: ${ratio} (median of per-round ratios: ${pairedRatio})`);

const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  new URL('verify.json', resultsDir),
  `${JSON.stringify(
    {
      benchmark: 'webhook-verify',
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      payloadBytes: Buffer.byteLength(payload),
      warmupOps: WARMUP_OPS,
      opsPerRound: OPS_PER_ROUND,
      rounds: ROUNDS,
      results,
      ratio,
      pairedRatio,
    },
    null,
    2,
  )}\n`,
);
