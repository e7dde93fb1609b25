/**
 * Differential proof: our verifier and the official Scalekit SDK (`@scalekit-sdk/node` 2.11.0) reach the same
 * verdict on several hundred generated deliveries. The one allowed disagreement is the SDK's own quirk: a
 * `v1` entry that does not decode to 32 bytes placed before the matching entry makes its `timingSafeEqual`
 * throw, so it rejects a delivery that carries a valid signature. Those deliveries are classified from the
 * header alone (by an oracle independent of both implementations) and must be accepted by ours.
 *
 * Timestamps are relative to the real clock because the SDK cannot be given one; every generated offset stays
 * at least 5 s away from the 300 s boundary so the clock moving during the run cannot flip a verdict.
 */
import { createHmac } from 'node:crypto';
import { ScalekitClient } from '@scalekit-sdk/node';
import { describe, expect, it } from 'vitest';
import { createWebhookVerifier } from '../src/webhook/verify.js';

const SEED = 0x5ca1ec;
const DELIVERIES = 900;
const TOLERANCE = 300;
const MARGIN = 5;

const KINDS = [
  'valid',
  'tampered-body',
  'tampered-id',
  'tampered-timestamp',
  'tampered-signature',
  'wrong-secret',
  'too-old',
  'too-new',
  'missing-id',
  'missing-timestamp',
  'missing-signature',
  'other-version-only',
  'multi-valid',
  'multi-invalid',
  'quirk',
] as const;
type Kind = (typeof KINDS)[number];
const EXPECTED_VALID = new Set<Kind>(['valid', 'multi-valid', 'quirk']);

/** mulberry32: tiny, deterministic, good enough to spread test inputs. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(0, 255)));

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const TEXT_POOL = [...`${ALNUM} {}[]":,._-/\\'`, 'é', 'ß', 'Ω', 'ж', '中', '🚀', '👩‍💻', '\n', '\t'];

function randomId(): string {
  return `${pick(['evt_', 'msg_', 'whk_', ''])}${Array.from({ length: int(8, 28) }, () => pick([...ALNUM])).join('')}`;
}

function randomSecret(): string {
  return `whsec_${bytes(int(16, 64)).toString('base64')}`;
}

function randomBody(): string {
  const text = Array.from({ length: int(0, 400) }, () => pick(TEXT_POOL)).join('');
  return random() < 0.5 ? text : JSON.stringify({ id: randomId(), type: 'organization.directory.user_created', text });
}

/** Half the offsets crowd the boundary (within 30 s of it, on the safe side of the margin). */
function validOffset(): number {
  const magnitude = random() < 0.5 ? int(TOLERANCE - MARGIN - 30, TOLERANCE - MARGIN) : int(0, TOLERANCE - MARGIN);
  return random() < 0.5 ? -magnitude : magnitude;
}

function staleOffset(): number {
  return random() < 0.5 ? int(TOLERANCE + MARGIN, TOLERANCE + MARGIN + 30) : int(TOLERANCE + MARGIN, 86_400);
}

/** The oracle signature, computed here with node:crypto rather than with either implementation. */
function oracleSignature(secret: string, id: string, timestamp: string, body: string): Buffer {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest();
}

const v1 = (signature: Buffer) => `v1,${signature.toString('base64')}`;
const forged = () => v1(bytes(32));
const wrongLength = () => pick(['v1', 'v1,', v1(bytes(pick([1, 16, 31, 33, 48, 64])))]);
const harmless = () =>
  pick([forged(), `v2,${bytes(32).toString('base64')}`, 'junk', `v1a,${bytes(32).toString('base64')}`]);

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

interface Delivery {
  kind: Kind;
  secret: string;
  headers: Record<string, string>;
  body: string;
  /** The signature the oracle expects for the headers and body as delivered. */
  expected: Buffer;
}

function generate(kind: Kind): Delivery {
  const secret = randomSecret();
  let id = randomId();
  let body = randomBody();
  let offset = validOffset();
  // Room for the tampering below to shift the timestamp without leaving the safe part of the window.
  if (kind === 'tampered-timestamp') offset = int(-(TOLERANCE - MARGIN - 2), TOLERANCE - MARGIN - 2);
  if (kind === 'too-old') offset = -staleOffset();
  if (kind === 'too-new') offset = staleOffset();
  let timestamp = String(Math.floor(Date.now() / 1000) + offset);
  const signature = oracleSignature(secret, id, timestamp, body);
  let signatureHeader = v1(signature);
  let signingSecret = secret;

  switch (kind) {
    case 'tampered-body':
      body = body.length > 0 && random() < 0.5 ? body.slice(0, -1) : `${body} `;
      break;
    case 'tampered-id':
      id = `${id}x`;
      break;
    case 'tampered-timestamp':
      timestamp = String(Number(timestamp) + pick([-2, -1, 1, 2]));
      break;
    case 'tampered-signature': {
      const flipped = Buffer.from(signature);
      const index = int(0, 31);
      flipped[index] = flipped[index]! ^ (1 << int(0, 7));
      signatureHeader = v1(flipped);
      break;
    }
    case 'wrong-secret':
      signingSecret = randomSecret();
      signatureHeader = v1(oracleSignature(signingSecret, id, timestamp, body));
      break;
    case 'other-version-only':
      signatureHeader = `${pick(['v2', 'v1a', 'V1'])},${signature.toString('base64')}`;
      break;
    case 'multi-valid': {
      const before = Array.from({ length: int(0, 4) }, harmless);
      const after = Array.from({ length: int(0, 4) }, () => (random() < 0.5 ? harmless() : wrongLength()));
      signatureHeader = [...before, v1(signature), ...after].join(' ');
      break;
    }
    case 'multi-invalid': {
      const entries = Array.from({ length: int(1, 6) }, () => (random() < 0.6 ? harmless() : wrongLength()));
      signatureHeader = shuffle(entries).join(' ');
      break;
    }
    case 'quirk': {
      const before = shuffle([wrongLength(), ...Array.from({ length: int(0, 3) }, harmless)]);
      const after = Array.from({ length: int(0, 2) }, harmless);
      signatureHeader = [...before, v1(signature), ...after].join(' ');
      break;
    }
    default:
      break;
  }

  const headers: Record<string, string> = {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatureHeader,
  };
  if (kind === 'missing-id') delete headers['webhook-id'];
  if (kind === 'missing-timestamp') delete headers['webhook-timestamp'];
  if (kind === 'missing-signature') delete headers['webhook-signature'];
  return { kind, secret, headers, body, expected: oracleSignature(secret, id, timestamp, body) };
}

/**
 * The SDK's quirk, read from the header alone: some `v1` entry matches the oracle signature, and an earlier
 * `v1` entry has no value or a value that does not decode to 32 bytes.
 */
function isSdkQuirk(delivery: Delivery): boolean {
  const entries = (delivery.headers['webhook-signature'] ?? '').split(' ').map((entry) => entry.split(','));
  let sawWrongLength = false;
  for (const [version, value] of entries) {
    if (version !== 'v1') continue;
    const decoded = value === undefined ? undefined : Buffer.from(value, 'base64');
    if (decoded?.length === 32 && decoded.equals(delivery.expected)) return sawWrongLength;
    if (decoded?.length !== 32) sawWrongLength = true;
  }
  return false;
}

/** The SDK's verdict: `true`, or a throw (always its WebhookVerificationError, checked here). */
function sdkAccepts(client: ScalekitClient, delivery: Delivery): boolean {
  let result: unknown;
  try {
    result = client.verifyWebhookPayload(delivery.secret, delivery.headers, delivery.body);
  } catch (error) {
    expect((error as Error).name).toBe('WebhookVerificationError');
    return false;
  }
  expect(result).toBe(true);
  return true;
}

describe('webhook verification against @scalekit-sdk/node 2.11.0', () => {
  it(`agrees with the SDK on ${DELIVERIES} random deliveries, except on classified SDK quirks`, () => {
    const client = new ScalekitClient('http://127.0.0.1:1', 'id', 'secret');
    const deliveries = Array.from({ length: DELIVERIES }, (_, index) => generate(KINDS[index % KINDS.length]!));

    const counts = { compared: 0, agreedValid: 0, agreedInvalid: 0, quirk: 0, bytesBodies: 0 };
    const perKind = new Map<Kind, number>();
    const disagreements: string[] = [];

    deliveries.forEach((delivery, index) => {
      // Half the deliveries reach our verifier as raw bytes, as a framework's raw-body parser would hand them.
      const asBytes = index % 2 === 1;
      if (asBytes) counts.bytesBodies++;
      const ours = createWebhookVerifier({ secret: delivery.secret })(
        delivery.headers,
        asBytes ? Buffer.from(delivery.body, 'utf8') : delivery.body,
      );
      const sdk = sdkAccepts(client, delivery);
      const quirk = isSdkQuirk(delivery);
      perKind.set(delivery.kind, (perKind.get(delivery.kind) ?? 0) + 1);

      expect(quirk, `delivery ${index} (${delivery.kind}) quirk classification`).toBe(delivery.kind === 'quirk');
      if (quirk) {
        counts.quirk++;
        if (!ours.ok || sdk) disagreements.push(`#${index} ${delivery.kind}: ours=${ours.ok} sdk=${sdk} (quirk)`);
        return;
      }
      counts.compared++;
      const expected = EXPECTED_VALID.has(delivery.kind);
      if (ours.ok !== sdk || ours.ok !== expected) {
        disagreements.push(`#${index} ${delivery.kind}: ours=${ours.ok} sdk=${sdk} expected=${expected}`);
      } else if (ours.ok) {
        counts.agreedValid++;
      } else {
        counts.agreedInvalid++;
      }
    });

    console.log(
      `[sdk-differential] seed=${SEED} deliveries=${DELIVERIES} compared=${counts.compared} ` +
        `agreed valid=${counts.agreedValid} agreed invalid=${counts.agreedInvalid} ` +
        `SDK quirk (ours accepts, SDK throws)=${counts.quirk} bodies as bytes=${counts.bytesBodies}`,
    );

    expect(disagreements).toEqual([]);
    expect(counts.compared + counts.quirk).toBe(DELIVERIES);
    expect(counts.agreedValid).toBeGreaterThanOrEqual(100);
    expect(counts.agreedInvalid).toBeGreaterThanOrEqual(100);
    expect(counts.quirk).toBeGreaterThanOrEqual(40);
    for (const kind of KINDS) expect(perKind.get(kind) ?? 0, kind).toBeGreaterThanOrEqual(40);
  });

  it('reports the same failure reasons the SDK reports, where both reject', () => {
    const client = new ScalekitClient('http://127.0.0.1:1', 'id', 'secret');
    const reasons: Partial<Record<Kind, [string, string]>> = {
      'too-old': ['TIMESTAMP_TOO_OLD', 'Message timestamp too old'],
      'too-new': ['TIMESTAMP_TOO_NEW', 'Message timestamp too new'],
      'missing-id': ['MISSING_HEADERS', 'Missing required headers'],
      'missing-timestamp': ['MISSING_HEADERS', 'Missing required headers'],
      'missing-signature': ['MISSING_HEADERS', 'Missing required headers'],
      'tampered-body': ['INVALID_SIGNATURE', 'Invalid Signature'],
      'wrong-secret': ['INVALID_SIGNATURE', 'Invalid Signature'],
    };
    let checked = 0;
    for (const [kind, [ourReason, sdkMessage]] of Object.entries(reasons) as [Kind, [string, string]][]) {
      for (let i = 0; i < 10; i++) {
        const delivery = generate(kind);
        const ours = createWebhookVerifier({ secret: delivery.secret })(delivery.headers, delivery.body);
        expect(ours.ok ? 'OK' : ours.reason, kind).toBe(ourReason);
        expect(() => client.verifyWebhookPayload(delivery.secret, delivery.headers, delivery.body), kind).toThrow(
          sdkMessage,
        );
        checked++;
      }
    }
    expect(checked).toBe(70);
  });
});
