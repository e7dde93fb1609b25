import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScimError } from '../../src/errors.js';
import {
  createWebhookVerifier,
  generateWebhookSecret,
  signWebhook,
  type WebhookVerification,
  type WebhookVerificationFailure,
} from '../../src/webhook/verify.js';
import { MARKER } from './arbitraries.js';

// The verifier must compare signatures with crypto.timingSafeEqual: the spy proves it structurally.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const NOW_MS = Date.UTC(2026, 10, 29, 10, 0, 0);
const NOW_S = Math.floor(NOW_MS / 1000);
const TOLERANCE = 300;
const REASONS: readonly WebhookVerificationFailure[] = [
  'MISSING_HEADERS',
  'INVALID_TIMESTAMP',
  'TIMESTAMP_TOO_OLD',
  'TIMESTAMP_TOO_NEW',
  'INVALID_SIGNATURE',
];

const secretArb = fc.oneof(
  fc.constant(null).map(() => generateWebhookSecret()),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
);

const deliveryArb = fc.record({
  secret: secretArb,
  id: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-.:'), minLength: 1, maxLength: 40 }),
  skew: fc.integer({ min: -TOLERANCE, max: TOLERANCE }),
  body: fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 300 })),
});

type Delivery = { secret: string; id: string; skew: number; body: string | Uint8Array };

/** The key a secret stands for: `whsec_` prefix or not, padded or not, base64 or base64url. */
const keyBytes = (secret: string) => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

function signed(d: Delivery) {
  const timestamp = NOW_S + d.skew;
  return {
    headers: {
      'webhook-id': d.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ secret: d.secret, id: d.id, timestamp, body: d.body }),
    },
    timestamp,
  };
}

const verifierFor = (secret: string | readonly string[]) =>
  createWebhookVerifier({ secret, toleranceSeconds: TOLERANCE, now: () => NOW_MS });

function expectRejected(verdict: WebhookVerification, reasons: readonly WebhookVerificationFailure[] = REASONS) {
  expect(verdict.ok).toBe(false);
  if (verdict.ok) return;
  expect(reasons).toContain(verdict.reason);
  expect(typeof verdict.message).toBe('string');
}

/** Replaces the character at `at` (modulo the length) with a different one from `alphabet`. */
function substitute(text: string, at: number, pick: number, alphabet: string): string {
  const i = at % text.length;
  const choices = [...alphabet].filter((c) => c !== text[i]);
  return text.slice(0, i) + choices[pick % choices.length] + text.slice(i + 1);
}

describe('verifier properties', () => {
  it('accepts every delivery signed with the secret within the tolerance', () => {
    fc.assert(
      fc.property(deliveryArb, (d) => {
        const { headers, timestamp } = signed(d);
        expect(verifierFor(d.secret)(headers, d.body)).toEqual({ ok: true, id: d.id, timestamp });
      }),
      { numRuns: 300 },
    );
  });

  it('rejects the same delivery signed with another secret, or outside the tolerance', () => {
    fc.assert(
      fc.property(deliveryArb, secretArb, fc.integer({ min: 1, max: 10_000_000 }), (d, other, beyond) => {
        const { headers } = signed(d);
        const wrongSecret = verifierFor(other)(headers, d.body);
        // Two texts can stand for one key ("Aw" and "whsec_Aw=="): only another key must fail.
        if (!keyBytes(other).equals(keyBytes(d.secret))) expectRejected(wrongSecret, ['INVALID_SIGNATURE']);
        const late = signed({ ...d, skew: -(TOLERANCE + beyond) });
        expectRejected(verifierFor(d.secret)(late.headers, d.body), ['TIMESTAMP_TOO_OLD']);
        const early = signed({ ...d, skew: TOLERANCE + beyond });
        expectRejected(verifierFor(d.secret)(early.headers, d.body), ['TIMESTAMP_TOO_NEW']);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects any single-byte change of body, id, timestamp or signature', () => {
    const changeArb = fc.record({
      part: fc.constantFrom('body', 'id', 'timestamp', 'signature-bytes', 'signature-text'),
      at: fc.nat(),
      pick: fc.nat(),
      xor: fc.integer({ min: 1, max: 255 }),
    });
    fc.assert(
      fc.property(deliveryArb, changeArb, (d, { part, at, pick, xor }) => {
        const { headers } = signed(d);
        const verify = verifierFor(d.secret);
        let body = d.body;
        const changed = { ...headers };
        if (part === 'body') {
          if (d.body.length === 0) return;
          if (typeof d.body === 'string') body = substitute(d.body, at, pick, 'ab\u00e9{}"\u0000');
          else {
            const bytes = Uint8Array.from(d.body);
            bytes[at % bytes.length]! ^= xor;
            body = bytes;
          }
        } else if (part === 'id') changed['webhook-id'] = substitute(d.id, at, pick, 'abcxyz019_-.');
        else if (part === 'timestamp') {
          changed['webhook-timestamp'] = substitute(headers['webhook-timestamp'], at, pick, '0123456789x -');
        } else if (part === 'signature-bytes') {
          const mac = Buffer.from(headers['webhook-signature'].slice(3), 'base64');
          mac[at % mac.length]! ^= xor;
          changed['webhook-signature'] = `v1,${mac.toString('base64')}`;
        } else {
          changed['webhook-signature'] = substitute(headers['webhook-signature'], at, pick, 'Aa0+/=,v2 ');
        }
        const verdict = verify(changed, body);
        if (part === 'signature-text' && verdict.ok) {
          // Base64 has slack (padding, unused low bits): a text change may decode to the same MAC.
          const sent = changed['webhook-signature'].split(' ').find((e) => e.startsWith('v1,'));
          const mac = Buffer.from(headers['webhook-signature'].slice(3), 'base64');
          expect(Buffer.from((sent ?? '').slice(3).split(',')[0]!, 'base64').equals(mac)).toBe(true);
          return;
        }
        expectRejected(verdict);
        if (part === 'body' || part === 'id' || part === 'signature-bytes') {
          expect(verdict).toMatchObject({ reason: 'INVALID_SIGNATURE' });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on hostile headers or bodies, and every rejection has a typed reason', () => {
    const headerValue = fc.oneof(
      fc.string(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant(undefined),
      fc.integer(),
      fc.constant(null),
      fc.string({ maxLength: 20 }).map((s) => `v1,${s}`),
    );
    const headersArb = fc.oneof(
      fc.record(
        { 'webhook-id': headerValue, 'webhook-timestamp': headerValue, 'webhook-signature': headerValue },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string(), headerValue),
      fc.array(fc.string(), { maxLength: 8 }),
      fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 4 }),
      fc.constantFrom(null, undefined, 42, 'webhook-id', [], [1, 2], [null], [{}]),
    );
    const verify = verifierFor(generateWebhookSecret());
    fc.assert(
      fc.property(headersArb, fc.oneof(fc.string(), fc.uint8Array()), (headers, body) => {
        // Plain-JS callers can hand the verifier anything; it must answer, not throw.
        const verdict = verify(headers as never, body);
        expectRejected(verdict);
      }),
      { numRuns: 300 },
    );
  });

  it('never quotes a bad secret in its configuration error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (tail) => {
        const secret = `whsec_${MARKER}${tail}!`;
        try {
          createWebhookVerifier({ secret });
          expect.unreachable('a secret with "!" is not base64');
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).code).toBe('CONFIGURATION_ERROR');
          expect((error as ScimError).message).not.toContain(MARKER);
        }
      }),
      { numRuns: 100 },
    );
  });

  describe('constant-time comparison', () => {
    const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
    let equals: ReturnType<typeof vi.spyOn>;
    let compare: ReturnType<typeof vi.spyOn>;
    beforeEach(() => {
      timingSafeEqual.mockClear();
      equals = vi.spyOn(Buffer.prototype, 'equals');
      compare = vi.spyOn(Buffer, 'compare');
    });
    afterEach(() => {
      equals.mockRestore();
      compare.mockRestore();
    });

    it('compares every candidate with crypto.timingSafeEqual on equal-length MACs, whatever byte differs', () => {
      fc.assert(
        fc.property(deliveryArb, fc.nat(31), fc.integer({ min: 1, max: 255 }), (d, at, xor) => {
          const { headers } = signed(d);
          const mac = Buffer.from(headers['webhook-signature'].slice(3), 'base64');
          const wrong = Buffer.from(mac);
          wrong[at]! ^= xor;
          timingSafeEqual.mockClear();
          const verdict = verifierFor(d.secret)(
            { ...headers, 'webhook-signature': `v1,${wrong.toString('base64')}` },
            d.body,
          );
          expect(verdict.ok).toBe(false);
          // One comparison of two 32-byte buffers, wherever the difference sits: nothing short-circuits on content.
          expect(timingSafeEqual).toHaveBeenCalledTimes(1);
          const [candidate, expected] = timingSafeEqual.mock.calls[0]!;
          expect((candidate as Buffer).length).toBe(32);
          expect((expected as Buffer).length).toBe(32);
          expect(timingSafeEqual.mock.results[0]).toEqual({ type: 'return', value: false });
          expect(equals).not.toHaveBeenCalled();
          expect(compare).not.toHaveBeenCalled();
        }),
        { numRuns: 100 },
      );
    });

    it('accepts through timingSafeEqual, trying each candidate against each secret', () => {
      fc.assert(
        fc.property(deliveryArb, fc.integer({ min: 0, max: 3 }), secretArb, (d, decoys, otherSecret) => {
          const { headers } = signed(d);
          const decoy = `v1,${Buffer.alloc(32, 7).toString('base64')}`;
          const signature = [...Array.from({ length: decoys }, () => decoy), headers['webhook-signature']].join(' ');
          timingSafeEqual.mockClear();
          const verdict = verifierFor([otherSecret, d.secret])({ ...headers, 'webhook-signature': signature }, d.body);
          expect(verdict.ok).toBe(true);
          const calls = timingSafeEqual.mock.calls.length;
          // Every candidate under the first secret, then under the second until the real one matches. Two
          // spellings of one key (with or without `whsec_`, padding, alphabet) are the same key (compared as hex:
          // Buffer.equals is spied on here).
          const sameKey = keyBytes(otherSecret).toString('hex') === keyBytes(d.secret).toString('hex');
          expect(calls).toBe(sameKey ? decoys + 1 : 2 * (decoys + 1));
          expect(timingSafeEqual.mock.results.at(-1)).toEqual({ type: 'return', value: true });
          expect(equals).not.toHaveBeenCalled();
          expect(compare).not.toHaveBeenCalled();
        }),
        { numRuns: 100 },
      );
    });
  });
});
