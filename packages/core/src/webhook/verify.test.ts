import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors.js';
import {
  createWebhookVerifier,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  type WebhookVerification,
  type WebhookVerifierOptions,
} from './verify.js';

const NOW_SECONDS = 1_700_000_000;
const now = () => NOW_SECONDS * 1000 + 250;
const SECRET = 'whsec_' + Buffer.from('a fixed 32-byte key for the test').toString('base64');
const OTHER_SECRET = 'whsec_' + Buffer.from('another 32-byte key for the test').toString('base64');
const BODY = '{"type":"organization.directory.user_created","data":{"email":"ada@example.test"}}';
const ID = 'evt_123';

function headersFor(
  body: string | Uint8Array = BODY,
  overrides: Record<string, string | undefined> = {},
  secret = SECRET,
): Record<string, string | undefined> {
  const timestamp = Number(overrides['webhook-timestamp'] ?? NOW_SECONDS);
  return {
    'webhook-id': ID,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook({ secret, id: ID, timestamp, body }),
    ...overrides,
  };
}

function verify(
  headers: Parameters<ReturnType<typeof createWebhookVerifier>>[0],
  body: string | Uint8Array = BODY,
  options: Partial<WebhookVerifierOptions> = {},
): WebhookVerification {
  return createWebhookVerifier({ secret: SECRET, now, ...options })(headers, body);
}

function reasonOf(result: WebhookVerification): string {
  return result.ok ? 'OK' : result.reason;
}

function expectConfigurationError(fn: () => unknown, secret?: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ScimError);
  expect((thrown as ScimError).code).toBe('CONFIGURATION_ERROR');
  if (secret) {
    const encoded = secret.replace(/^whsec_/, '');
    if (encoded.length > 0) expect((thrown as ScimError).message).not.toContain(encoded);
  }
}

describe('signWebhook', () => {
  it('matches the published Standard Webhooks test vector', () => {
    const signature = signWebhook({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('returns v1,<base64 HMAC-SHA256 of id.timestamp.body> keyed with the decoded secret', () => {
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${ID}.${NOW_SECONDS}.${BODY}`).digest('base64');
    expect(signWebhook({ secret: SECRET, id: ID, timestamp: NOW_SECONDS, body: BODY })).toBe(`v1,${expected}`);
  });

  it('signs bytes and the equivalent UTF-8 string identically', () => {
    const text = '{"name":"Zoë 🚀"}';
    const input = { secret: SECRET, id: ID, timestamp: NOW_SECONDS };
    expect(signWebhook({ ...input, body: new TextEncoder().encode(text) })).toBe(signWebhook({ ...input, body: text }));
  });

  it('rejects a timestamp that is not a non-negative integer', () => {
    for (const timestamp of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectConfigurationError(() => signWebhook({ secret: SECRET, id: ID, timestamp, body: BODY }));
    }
  });

  it('rejects a bad secret without echoing it', () => {
    expectConfigurationError(() => signWebhook({ secret: 'whsec_***', id: ID, timestamp: NOW_SECONDS, body: BODY }));
  });
});

describe('generateWebhookSecret', () => {
  it('returns whsec_ + base64 of 32 random bytes, different each time, usable to sign and verify', () => {
    const first = generateWebhookSecret();
    const second = generateWebhookSecret();
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(first.slice(6), 'base64')).toHaveLength(32);
    expect(first).not.toBe(second);
    expect(reasonOf(verify(headersFor(BODY, {}, first), BODY, { secret: first }))).toBe('OK');
  });
});

describe('createWebhookVerifier', () => {
  describe('valid deliveries', () => {
    it('accepts a correctly signed string body and returns id and timestamp', () => {
      expect(verify(headersFor())).toEqual({ ok: true, id: ID, timestamp: NOW_SECONDS });
    });

    it('accepts a Uint8Array body, hashing the bytes as they are', () => {
      const bytes = new TextEncoder().encode(BODY);
      expect(reasonOf(verify(headersFor(bytes), bytes))).toBe('OK');
      expect(reasonOf(verify(headersFor(BODY), Buffer.from(BODY)))).toBe('OK');
    });

    it('verifies a non-UTF-8 body byte for byte, which a decoded string would not', () => {
      const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x00, 0x7d]);
      const headers = headersFor(bytes);
      expect(reasonOf(verify(headers, bytes))).toBe('OK');
      expect(reasonOf(verify(headers, Buffer.from(bytes).toString('utf8')))).toBe('INVALID_SIGNATURE');
      expect(reasonOf(verify(headers, Buffer.from(bytes).toString('latin1')))).toBe('INVALID_SIGNATURE');
    });

    it('accepts an empty body when it was signed', () => {
      expect(reasonOf(verify(headersFor(''), ''))).toBe('OK');
    });

    it('accepts a secret without the whsec_ prefix as the raw base64 key', () => {
      const bare = SECRET.slice('whsec_'.length);
      expect(reasonOf(verify(headersFor(), BODY, { secret: bare }))).toBe('OK');
    });

    it('accepts a URL-safe or unpadded base64 secret', () => {
      const key = randomBytes(31);
      const urlSafe = 'whsec_' + key.toString('base64url');
      const standard = 'whsec_' + key.toString('base64');
      expect(reasonOf(verify(headersFor(BODY, {}, standard), BODY, { secret: urlSafe }))).toBe('OK');
    });

    it('reads headers in any shape and letter case', () => {
      const plain = headersFor() as Record<string, string>;
      const shapes = [
        new Headers(plain),
        Object.fromEntries(Object.entries(plain).map(([k, v]) => [k.toUpperCase(), v])),
        Object.entries(plain).flat(),
        new Map(Object.entries(plain)),
      ];
      for (const shape of shapes) expect(reasonOf(verify(shape))).toBe('OK');
    });

    it('uses Date.now by default', () => {
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = headersFor(BODY, { 'webhook-timestamp': String(timestamp) });
      expect(reasonOf(createWebhookVerifier({ secret: SECRET })(headers, BODY))).toBe('OK');
    });
  });

  describe('several signatures', () => {
    const valid = () => headersFor()['webhook-signature']!;
    const forged = 'v1,' + Buffer.alloc(32, 7).toString('base64');

    it('accepts when any one entry matches', () => {
      const headers = headersFor(BODY, { 'webhook-signature': `${forged} ${valid()} ${forged}` });
      expect(reasonOf(verify(headers))).toBe('OK');
    });

    it('rejects when every entry is wrong', () => {
      const headers = headersFor(BODY, { 'webhook-signature': `${forged} ${forged}` });
      expect(verify(headers)).toEqual({ ok: false, reason: 'INVALID_SIGNATURE', message: expect.any(String) });
    });

    it('accepts a matching entry placed after a wrong-length v1 entry (where the SDK throws)', () => {
      const short = 'v1,' + Buffer.alloc(16, 1).toString('base64');
      const headers = headersFor(BODY, { 'webhook-signature': `${short} ${valid()}` });
      expect(reasonOf(verify(headers))).toBe('OK');
    });

    it('skips malformed entries instead of throwing', () => {
      const junk = ['v1', 'v1,', 'v1,!!!!', 'nonsense', ',abc', 'v1,,', '', 'v1,a'].join(' ');
      expect(reasonOf(verify(headersFor(BODY, { 'webhook-signature': junk })))).toBe('INVALID_SIGNATURE');
      const withValid = `${junk} ${valid()}`;
      expect(reasonOf(verify(headersFor(BODY, { 'webhook-signature': withValid })))).toBe('OK');
    });

    it('ignores other signature versions, even with the right bytes', () => {
      const bytes = valid().slice(3);
      expect(reasonOf(verify(headersFor(BODY, { 'webhook-signature': `v1a,${bytes} v2,${bytes}` })))).toBe(
        'INVALID_SIGNATURE',
      );
      expect(reasonOf(verify(headersFor(BODY, { 'webhook-signature': `v2,${bytes} v1,${bytes}` })))).toBe('OK');
    });

    it('treats repeated signature headers as more candidates', () => {
      const plain = headersFor();
      const fetchHeaders = new Headers({
        'webhook-id': plain['webhook-id']!,
        'webhook-timestamp': String(NOW_SECONDS),
      });
      fetchHeaders.append('webhook-signature', forged);
      fetchHeaders.append('webhook-signature', valid());
      expect(reasonOf(verify(fetchHeaders))).toBe('OK');
      expect(reasonOf(verify({ ...plain, 'webhook-signature': [forged, valid()] }))).toBe('OK');
      const raw = ['webhook-id', ID, 'webhook-timestamp', String(NOW_SECONDS), 'Webhook-Signature', forged];
      expect(reasonOf(verify([...raw, 'webhook-signature', valid()]))).toBe('OK');
      expect(reasonOf(verify(raw))).toBe('INVALID_SIGNATURE');
    });

    it('ignores text after a second comma, like the SDK', () => {
      expect(reasonOf(verify(headersFor(BODY, { 'webhook-signature': `${valid()},extra` })))).toBe('OK');
    });
  });

  describe('tampering', () => {
    it('rejects a changed body, id or timestamp', () => {
      const headers = headersFor();
      expect(reasonOf(verify(headers, BODY.replace('ada', 'eve')))).toBe('INVALID_SIGNATURE');
      expect(reasonOf(verify({ ...headers, 'webhook-id': 'evt_124' }))).toBe('INVALID_SIGNATURE');
      expect(reasonOf(verify({ ...headers, 'webhook-timestamp': String(NOW_SECONDS + 1) }))).toBe('INVALID_SIGNATURE');
    });

    it('rejects a delivery signed with another secret', () => {
      expect(reasonOf(verify(headersFor(BODY, {}, OTHER_SECRET)))).toBe('INVALID_SIGNATURE');
    });

    it('rejects a repeated webhook-id', () => {
      const twice = ['webhook-id', ID, 'webhook-id', ID];
      const plain = headersFor();
      const raw = [
        ...twice,
        'webhook-timestamp',
        String(NOW_SECONDS),
        'webhook-signature',
        plain['webhook-signature']!,
      ];
      expect(reasonOf(verify(raw))).toBe('INVALID_SIGNATURE');
    });
  });

  describe('rotation', () => {
    it('accepts a delivery signed with any of the configured secrets', () => {
      const options = { secret: [OTHER_SECRET, SECRET] };
      expect(reasonOf(verify(headersFor(BODY, {}, SECRET), BODY, options))).toBe('OK');
      expect(reasonOf(verify(headersFor(BODY, {}, OTHER_SECRET), BODY, options))).toBe('OK');
      expect(reasonOf(verify(headersFor(BODY, {}, generateWebhookSecret()), BODY, options))).toBe('INVALID_SIGNATURE');
    });
  });

  describe('missing headers', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      it(`rejects a delivery without ${name}, naming it`, () => {
        const result = verify({ ...headersFor(), [name]: undefined });
        expect(result).toEqual({ ok: false, reason: 'MISSING_HEADERS', message: expect.stringContaining(name) });
      });

      it(`treats an empty ${name} as missing`, () => {
        expect(reasonOf(verify({ ...headersFor(), [name]: '' }))).toBe('MISSING_HEADERS');
      });
    }

    it('names every missing header', () => {
      const result = verify({});
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.message).toContain('webhook-id');
        expect(result.message).toContain('webhook-timestamp');
        expect(result.message).toContain('webhook-signature');
      }
    });
  });

  describe('timestamp', () => {
    for (const bad of ['12abc', '1.5', '-5', '+1700000000', ' 1700000000', '1700000000 ', '1e9', '0x10', 'abc']) {
      it(`rejects ${JSON.stringify(bad)} as INVALID_TIMESTAMP`, () => {
        expect(reasonOf(verify({ ...headersFor(), 'webhook-timestamp': bad }))).toBe('INVALID_TIMESTAMP');
      });
    }

    it('accepts exactly the tolerance in both directions and rejects one second beyond', () => {
      const at = (offset: number) => verify(headersFor(BODY, { 'webhook-timestamp': String(NOW_SECONDS + offset) }));
      expect(reasonOf(at(-300))).toBe('OK');
      expect(reasonOf(at(300))).toBe('OK');
      expect(reasonOf(at(-301))).toBe('TIMESTAMP_TOO_OLD');
      expect(reasonOf(at(301))).toBe('TIMESTAMP_TOO_NEW');
    });

    it('honours a custom tolerance and an injected clock', () => {
      const options = { toleranceSeconds: 10, now: () => (NOW_SECONDS + 1000) * 1000 };
      const at = (seconds: number) =>
        reasonOf(verify(headersFor(BODY, { 'webhook-timestamp': String(seconds) }), BODY, options));
      expect(at(NOW_SECONDS + 990)).toBe('OK');
      expect(at(NOW_SECONDS + 1010)).toBe('OK');
      expect(at(NOW_SECONDS + 989)).toBe('TIMESTAMP_TOO_OLD');
      expect(at(NOW_SECONDS + 1011)).toBe('TIMESTAMP_TOO_NEW');
    });

    it('accepts only the exact second with a zero tolerance', () => {
      const at = (offset: number) =>
        reasonOf(
          verify(headersFor(BODY, { 'webhook-timestamp': String(NOW_SECONDS + offset) }), BODY, {
            toleranceSeconds: 0,
          }),
        );
      expect(at(0)).toBe('OK');
      expect(at(-1)).toBe('TIMESTAMP_TOO_OLD');
      expect(at(1)).toBe('TIMESTAMP_TOO_NEW');
    });

    it('rejects a huge timestamp as too new', () => {
      expect(reasonOf(verify({ ...headersFor(), 'webhook-timestamp': '9'.repeat(40) }))).toBe('TIMESTAMP_TOO_NEW');
    });

    it('checks the timestamp before the signature', () => {
      const stale = String(NOW_SECONDS - 3600);
      expect(reasonOf(verify({ ...headersFor(), 'webhook-timestamp': stale, 'webhook-signature': 'v1,AAAA' }))).toBe(
        'TIMESTAMP_TOO_OLD',
      );
    });
  });

  describe('configuration', () => {
    const badSecrets = ['', 'whsec_', 'whsec_not base64!', 'whsec_ab=', 'whsec_A', 'whsec_AAAA=A', 'whsec_===='];
    for (const secret of badSecrets) {
      it(`throws CONFIGURATION_ERROR for the secret ${JSON.stringify(secret)} without echoing it`, () => {
        expectConfigurationError(() => createWebhookVerifier({ secret }), secret);
      });
    }

    it('throws when any secret of a rotation list is bad', () => {
      expectConfigurationError(() => createWebhookVerifier({ secret: [SECRET, 'whsec_%%%%'] }), 'whsec_%%%%');
    });

    it('throws for an empty secret list', () => {
      expectConfigurationError(() => createWebhookVerifier({ secret: [] }));
    });

    it('throws for a missing secret (an unset environment variable)', () => {
      expectConfigurationError(() => createWebhookVerifier({ secret: undefined as unknown as string }));
    });

    it('throws for a secret that is not a string', () => {
      expectConfigurationError(() => createWebhookVerifier({ secret: [42 as unknown as string] }));
    });

    it('throws for a negative or non-finite tolerance', () => {
      expectConfigurationError(() => createWebhookVerifier({ secret: SECRET, toleranceSeconds: -1 }));
      expectConfigurationError(() => createWebhookVerifier({ secret: SECRET, toleranceSeconds: Number.NaN }));
    });
  });

  describe('messages', () => {
    it('never contain the secret, the signature or the body', () => {
      const headers = headersFor();
      const results = [
        verify(headers, BODY + ' '),
        verify({ ...headers, 'webhook-timestamp': '1' }),
        verify({ ...headers, 'webhook-timestamp': '99999999999' }),
        verify({ ...headers, 'webhook-timestamp': 'x' }),
        verify({ ...headers, 'webhook-id': undefined }),
      ];
      for (const result of results) {
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(result.message).not.toContain(SECRET.slice(6));
        expect(result.message).not.toContain(headers['webhook-signature']!.slice(3));
        expect(result.message).not.toContain('ada@example.test');
      }
    });
  });
});

describe('verifyWebhook', () => {
  it('creates a verifier and verifies one delivery', () => {
    expect(verifyWebhook({ secret: SECRET, now, headers: headersFor(), rawBody: BODY })).toEqual({
      ok: true,
      id: ID,
      timestamp: NOW_SECONDS,
    });
    expect(reasonOf(verifyWebhook({ secret: SECRET, now, headers: headersFor(), rawBody: 'x' }))).toBe(
      'INVALID_SIGNATURE',
    );
  });

  it('throws CONFIGURATION_ERROR for a bad secret', () => {
    expectConfigurationError(() => verifyWebhook({ secret: '', headers: {}, rawBody: '' }));
  });
});
