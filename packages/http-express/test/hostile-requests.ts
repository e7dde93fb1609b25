/**
 * A corpus of hostile webhook deliveries, shared by the Express and Fastify binding tests and by the
 * reliability suite (`reliability/`), which runs it over real HTTP and counts it per category. Each one must
 * be refused with the given status and write nothing.
 */
import { generateWebhookSecret, signWebhook } from '@scim/core/testing';
import { type RequestHeaders, signedDelivery, userCreated } from './deliveries.js';

export type HostileCategory =
  | 'signature headers'
  | 'timestamps'
  | 'body encoding'
  | 'JSON structure'
  | 'prototype pollution'
  | 'field types'
  | 'tenant'
  | 'oversized';

export interface HostileRequest {
  name: string;
  category: HostileCategory;
  headers: RequestHeaders;
  body: Buffer;
  /** The answer over a real HTTP server. */
  status: number;
  /** The `code` of the answer's body, when the binding (not Node's HTTP parser) answers. */
  code?: string;
  /** Where an in-process injection (which has no HTTP parser limits) answers differently. */
  injected?: { status: number; code: string };
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Sign `body` under `id`/`timestamp`, then send `headers` (which may lie about them). */
function signature(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  return signWebhook({ secret, id, timestamp, body });
}

type Case = Omit<HostileRequest, 'category'>;

export function hostileRequests(secret: string, nowSeconds: number): HostileRequest[] {
  const event = userCreated({ id: 'evt_hostile' });
  const body = Buffer.from(JSON.stringify(event));
  const signed = (payload: unknown, options: { timestamp?: number } = {}) => signedDelivery(secret, payload, options);
  const bad = (name: string, headers: RequestHeaders, payload: Buffer = body): Case => ({
    name,
    headers: { ...JSON_TYPE, ...headers },
    body: payload,
    status: 400,
    code: 'INVALID_SIGNATURE',
  });
  const invalid = (name: string, payload: unknown, options: { timestamp?: number } = {}): Case => ({
    name,
    ...signed(payload, options),
    status: 400,
    code: 'INVALID_PAYLOAD',
  });
  const stale = (name: string, timestamp: number): Case => ({
    name,
    ...signed(body, { timestamp }),
    status: 400,
    code: 'INVALID_SIGNATURE',
  });
  const good = signed(body);
  const ts = String(nowSeconds);
  const { 'webhook-signature': _s, ...withoutSignature } = good.headers;
  const { 'webhook-id': _i, ...withoutId } = good.headers;
  const { 'webhook-timestamp': _t, ...withoutTimestamp } = good.headers;
  const validDigest = signature(secret, 'msg_x', nowSeconds, body).slice('v1,'.length);
  const headersFor = (signatureValue: string | string[], id: string | string[] = 'msg_x', timestamp = ts) => ({
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatureValue,
  });
  const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
  const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
  const bogusEntries = Array.from({ length: 400 }, (_, i) => `v1,${Buffer.alloc(32, i).toString('base64')}`);
  const eventWithout = (...keys: string[]) =>
    JSON.stringify(Object.fromEntries(Object.entries(event).filter(([key]) => !keys.includes(key)))).slice(1);
  const eventData = event.data;
  const dataWithout = (...keys: string[]) =>
    JSON.stringify(Object.fromEntries(Object.entries(eventData).filter(([key]) => !keys.includes(key)))).slice(1);
  // Node's HTTP parser refuses headers over 16 KiB before any framework runs.
  const tooLarge = { status: 431, injected: { status: 400, code: 'INVALID_SIGNATURE' } } as const;

  const corpus: Record<HostileCategory, Case[]> = {
    'signature headers': [
      bad('no webhook headers at all', {}),
      bad('no webhook-signature', withoutSignature),
      bad('no webhook-id', withoutId),
      bad('no webhook-timestamp', withoutTimestamp),
      bad('empty webhook-signature', headersFor('')),
      bad('empty webhook-id', headersFor(`v1,${validDigest}`, '')),
      bad('signed with another secret', headersFor(signature(generateWebhookSecret(), 'msg_x', nowSeconds, body))),
      bad(
        'body changed after signing',
        headersFor(`v1,${validDigest}`),
        Buffer.from(JSON.stringify(userCreated({ id: 'evt_hostile' }, { email: 'mallory@example.com' }))),
      ),
      bad('signature made for another delivery id', headersFor(`v1,${validDigest}`, 'msg_y')),
      bad(
        'two webhook-signature headers, neither valid',
        headersFor([
          signature(generateWebhookSecret(), 'msg_x', nowSeconds, body),
          signature(generateWebhookSecret(), 'msg_x', nowSeconds, body),
        ]),
      ),
      bad('two webhook-id headers', headersFor(`v1,${validDigest}`, ['msg_x', 'msg_z'])),
      bad('two webhook-timestamp headers', {
        'webhook-id': 'msg_x',
        'webhook-timestamp': [ts, ts],
        'webhook-signature': `v1,${validDigest}`,
      }),
      bad('valid digest under another scheme version', headersFor(`v2,${validDigest}`)),
      bad('valid digest under an upper-case scheme', headersFor(`V1,${validDigest}`)),
      bad('signature that is not base64', headersFor('v1,!!!!not*base64!!!!')),
      bad('scheme with an empty digest', headersFor('v1,')),
      bad('valid digest truncated by four characters', headersFor(`v1,${validDigest.slice(0, -4)}`)),
      bad('a digest of 32 zero bytes', headersFor(`v1,${Buffer.alloc(32).toString('base64')}`)),
      bad('valid digest of the hex form', headersFor(`v1,${Buffer.from(validDigest, 'base64').toString('hex')}`)),
    ],
    timestamps: [
      stale('timestamp six minutes old (a replay)', nowSeconds - 360),
      stale('a captured delivery replayed an hour later', nowSeconds - 3600),
      stale('timestamp 301 s old, one past the tolerance', nowSeconds - 301),
      stale('timestamp six minutes ahead', nowSeconds + 360),
      stale('timestamp a day ahead', nowSeconds + 86_400),
      stale('timestamp in milliseconds', nowSeconds * 1000),
      stale('timestamp zero (the epoch)', 0),
      bad('timestamp not an integer', headersFor(signature(secret, 'msg_x', nowSeconds, body), 'msg_x', `${ts}.0`)),
      bad('negative timestamp', headersFor(`v1,${validDigest}`, 'msg_x', `-${ts}`)),
      bad('timestamp in hexadecimal', headersFor(`v1,${validDigest}`, 'msg_x', `0x${nowSeconds.toString(16)}`)),
      bad('timestamp of 25 digits', headersFor(`v1,${validDigest}`, 'msg_x', '9'.repeat(25))),
      bad(
        'timestamp as an ISO date',
        headersFor(`v1,${validDigest}`, 'msg_x', new Date(nowSeconds * 1000).toISOString()),
      ),
    ],
    'body encoding': [
      invalid('empty body, correctly signed', Buffer.alloc(0)),
      invalid('whitespace-only body, correctly signed', Buffer.from(' \n\t ')),
      invalid('non-UTF-8 bytes, correctly signed', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      invalid(
        'Latin-1 encoded JSON, correctly signed',
        Buffer.from(JSON.stringify(userCreated({}, { name: 'Zoë' })), 'latin1'),
      ),
      invalid('truncated JSON, correctly signed', body.subarray(0, body.length - 7)),
      invalid('JSON cut in half, correctly signed', body.subarray(0, Math.floor(body.length / 2))),
      invalid('UTF-16 encoded JSON, correctly signed', Buffer.from(body.toString('utf8'), 'utf16le')),
      invalid('JSON followed by garbage, correctly signed', `${body.toString('utf8')}xyz`),
    ],
    'JSON structure': [
      invalid('JSON null', 'null'),
      invalid('JSON string', '"organization.directory.user_created"'),
      invalid('JSON number', '42'),
      invalid('JSON array instead of an event', `[${JSON.stringify(event)}]`),
      invalid(
        'deeply nested arrays in data',
        `{${JSON.stringify(event)
          .slice(1, -1)
          .replace(/"data":\{[^}]*\}/, `"data":${deep}`)}}`,
      ),
      invalid(
        'deeply nested objects in a custom attribute',
        `{${JSON.stringify(event).slice(1, -1).replace('"data":{', `"data":{"custom_attributes":${deepObject},`)}}`,
      ),
      invalid('a duplicated key whose last value is wrong', `{${JSON.stringify(event).slice(1, -1)},"id":5}`),
      {
        name: 'huge JSON (2 MiB), correctly signed',
        ...signed(userCreated({}, { custom_attributes: { blob: 'x'.repeat(2 * 1024 * 1024) } })),
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
    ],
    'prototype pollution': [
      invalid(
        '__proto__ carrying the required fields',
        `{"__proto__":{"id":"evt_proto","type":"organization.directory.user_created","polluted":true},${eventWithout('id', 'type')}`,
      ),
      invalid(
        'constructor.prototype pollution',
        `{"constructor":{"prototype":{"polluted":true}},${eventWithout('id')}`,
      ),
      invalid(
        '__proto__ in data carrying the user id',
        `{${JSON.stringify(event)
          .slice(1, -1)
          .replace(
            /"data":\{[^}]*\}/,
            `"data":{"__proto__":{"id":"diruser_proto"},${dataWithout('id').slice(0, -1)}}`,
          )}}`,
      ),
      invalid(
        '__proto__ carrying the organization id',
        `{"__proto__":{"organization_id":"org_1"},${JSON.stringify({ ...event, organization_id: undefined, data: { ...eventData, organization_id: undefined } }).slice(1)}`,
      ),
    ],
    'field types': [
      invalid('event id of the wrong type', userCreated({ id: 42 })),
      invalid('event id with spaces', userCreated({ id: 'evt 1' })),
      invalid('type that is a number', userCreated({ type: 7 })),
      invalid('occurred_at that is not a timestamp', userCreated({ occurred_at: 'yesterday' })),
      invalid('occurred_at as epoch seconds', userCreated({ occurred_at: nowSeconds })),
      invalid('occurred_at after 2262', userCreated({ occurred_at: '2300-01-01T00:00:00Z' })),
      invalid('data that is a string', userCreated({ data: 'diruser_1' })),
      invalid('data that is an array', userCreated({ data: [] })),
      invalid('user without an id', `{${JSON.stringify(event).slice(1, -1).replace('"id":"diruser_1",', '')}}`),
      invalid('user email that is a number', userCreated({}, { email: 12 })),
      invalid('user active that is "maybe"', userCreated({}, { active: 'maybe' })),
      invalid('user groups that is an object', userCreated({}, { groups: { id: 'dirgroup_1' } })),
      invalid('user roles without names', userCreated({}, { roles: [{}] })),
    ],
    tenant: [
      invalid('user of another organization', userCreated({}, { organization_id: 'org_2' })),
      invalid(
        'group of another organization',
        userCreated(
          { type: 'organization.directory.group_created', object: 'DirectoryGroup' },
          {
            organization_id: 'org_2',
          },
        ),
      ),
      invalid('no organization at all', {
        ...event,
        organization_id: undefined,
        data: { ...eventData, organization_id: undefined },
      }),
    ],
    oversized: [
      {
        name: 'oversized signature header',
        headers: { ...JSON_TYPE, ...headersFor(bogusEntries.join(' ')) },
        body,
        ...tooLarge,
      },
      {
        name: 'oversized webhook-id header',
        headers: { ...JSON_TYPE, ...headersFor(`v1,${validDigest}`, `msg_${'x'.repeat(20_000)}`) },
        body,
        ...tooLarge,
      },
      {
        name: 'a thousand extra headers',
        headers: {
          ...JSON_TYPE,
          ...headersFor(`v1,${Buffer.alloc(32, 7).toString('base64')}`),
          ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`x-padding-${i}`, 'y'.repeat(16)])),
        },
        body,
        ...tooLarge,
      },
    ],
  };
  return Object.entries(corpus).flatMap(([category, cases]) =>
    cases.map((hostile) => ({ ...hostile, category: category as HostileCategory })),
  );
}
