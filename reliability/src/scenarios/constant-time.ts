import { createWebhookVerifier } from '@scim/core';
import { generateWebhookSecret, signWebhook } from '@scim/core/testing';
import type { Scenario } from '../scenario.js';

const ROUNDS = 15;
const PER_ROUND = 20_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export const constantTimeScenario: Scenario = {
  id: 'constant-time',
  title: 'Signature comparison time does not depend on where a forgery differs',
  kind: 'load',
  injected: `Forged signatures that differ from the right one in the first byte, in the last byte, or everywhere, and the right one, each verified ${PER_ROUND.toLocaleString('en')} times per round over ${ROUNDS} interleaved rounds.`,
  checked:
    "Figures only (timing is noisy on a shared machine and is never asserted): the median cost per verification for each kind of forgery. The guarantee itself is checked structurally in CI by core's property tests (every candidate is compared with crypto.timingSafeEqual on equal-length MACs); see the property tests above. A forgery differing in the first byte should cost the same as one differing in the last.",
  async run(r) {
    const secret = generateWebhookSecret();
    const now = 1_800_000_000;
    const verify = createWebhookVerifier({ secret, now: () => now * 1000 });
    const body = JSON.stringify({ id: 'evt_1', type: 'organization.directory.user_created', data: { id: 'u' } });
    const good = signWebhook({ secret, id: 'msg_1', timestamp: now, body });
    const mac = Buffer.from(good.slice(3), 'base64');
    const flip = (index: number) => {
      const copy = Buffer.from(mac);
      copy[index] = copy[index]! ^ 0xff;
      return `v1,${copy.toString('base64')}`;
    };
    const variants: Record<string, string> = {
      'valid signature': good,
      'forged, first byte differs': flip(0),
      'forged, last byte differs': flip(mac.length - 1),
      'forged, every byte differs': `v1,${Buffer.from(mac.map((byte) => byte ^ 0xff)).toString('base64')}`,
    };
    const samples = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, signature] of Object.entries(variants)) {
        const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': signature };
        const expectOk = name === 'valid signature';
        const started = process.hrtime.bigint();
        for (let i = 0; i < PER_ROUND; i++) {
          if (verify(headers, body).ok !== expectOk) throw new Error(`${name}: unexpected verdict`);
        }
        samples.get(name)!.push(Number(process.hrtime.bigint() - started) / PER_ROUND);
      }
    }
    const medians = new Map([...samples].map(([name, values]) => [name, median(values)]));
    r.table({
      title: 'Median cost of one verification',
      columns: ['signature', 'ns per verification (median of rounds)', 'min round', 'max round'],
      rows: [...samples].map(([name, values]) => [
        name,
        Math.round(medians.get(name)!),
        Math.round(Math.min(...values)),
        Math.round(Math.max(...values)),
      ]),
    });
    const first = medians.get('forged, first byte differs')!;
    const last = medians.get('forged, last byte differs')!;
    r.figure('first-byte / last-byte forgery time ratio', Number((first / last).toFixed(3)));
  },
};
