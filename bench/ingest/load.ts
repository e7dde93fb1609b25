/**
 * The load generator: `senders` concurrent senders over keep-alive connections, each taking the next delivery
 * in order, timing each request from the first byte written to the last byte of the answer. A delivery answered
 * with a 5xx is sent again at once, as Scalekit's first retry is immediate; each attempt is a timed request.
 */
import { Agent, request } from 'node:http';
import { signWebhook } from '@scim/core/testing';
import type { Delivery } from './events.js';

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Milliseconds of each request, sorted. */
  latencies: Float64Array;
  statuses: Record<string, number>;
  /** The `status` field of our JSON answers (processed, duplicate, stale, ...). */
  outcomes: Record<string, number>;
  retries: number;
}

interface Signed {
  headers: Record<string, string>;
  body: Buffer;
}

/** Signed just before a round, so every delivery is well inside the 300 s tolerance. */
export function sign(deliveries: readonly Delivery[], secret: string): Signed[] {
  const timestamp = Math.floor(Date.now() / 1000);
  return deliveries.map((d) => ({
    body: d.body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(d.body.length),
      'webhook-id': d.webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ secret, id: d.webhookId, timestamp, body: d.body }),
    },
  }));
}

function post(url: URL, agent: Agent, delivery: Signed): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: delivery.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(delivery.body);
  });
}

const MAX_ATTEMPTS = 5;

export async function load(url: string, deliveries: readonly Signed[], senders: number): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: senders });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  let retries = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++]!;
        for (let attempt = 1; ; attempt++) {
          const sent = performance.now();
          const { status, text } = await post(target, agent, delivery);
          latencies.push(performance.now() - sent);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (text.startsWith('{')) {
            const outcome = String((JSON.parse(text) as { status?: unknown }).status);
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          }
          if (status < 500) {
            if (status >= 300) throw new Error(`${url} answered ${status}: ${text}`);
            break;
          }
          if (attempt === MAX_ATTEMPTS) throw new Error(`${url} answered ${status} ${MAX_ATTEMPTS} times: ${text}`);
          retries++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    seconds,
    latencies: Float64Array.from(latencies).sort(),
    statuses,
    outcomes,
    retries,
  };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
