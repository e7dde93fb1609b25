/**
 * A corpus of hostile webhook deliveries, shared by the Express and Fastify binding tests. Each one must be
 * refused with the given status and write nothing.
 */
import { generateWebhookSecret, signWebhook } from '@scim/core';
import { type RequestHeaders, signedDelivery, userCreated } from './deliveries.js';

export interface HostileRequest {
  name: string;
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

export function hostileRequests(secret: string, nowSeconds: number): HostileRequest[] {
  const event = userCreated({ id: 'evt_hostile' });
  const body = Buffer.from(JSON.stringify(event));
  const signed = (payload: unknown, options: { timestamp?: number } = {}) => signedDelivery(secret, payload, options);
  const bad = (name: string, headers: RequestHeaders, payload: Buffer = body) => ({
    name,
    headers: { ...JSON_TYPE, ...headers },
    body: payload,
    status: 400,
    code: 'INVALID_SIGNATURE',
  });
  const invalid = (name: string, payload: unknown, options: { timestamp?: number } = {}) => ({
    name,
    ...signed(payload, options),
    status: 400,
    code: 'INVALID_PAYLOAD',
  });
  const good = signed(body);
  const ts = String(nowSeconds);
  const { 'webhook-signature': _s, ...withoutSignature } = good.headers;
  const { 'webhook-id': _i, ...withoutId } = good.headers;
  const { 'webhook-timestamp': _t, ...withoutTimestamp } = good.headers;
  const validDigest = signature(secret, 'msg_x', nowSeconds, body).slice('v1,'.length);
  const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
  const bogusEntries = Array.from({ length: 400 }, (_, i) => `v1,${Buffer.alloc(32, i).toString('base64')}`);

  return [
    bad('no webhook headers at all', {}),
    bad('no webhook-signature', withoutSignature),
    bad('no webhook-id', withoutId),
    bad('no webhook-timestamp', withoutTimestamp),
    bad('signed with another secret', {
      'webhook-id': 'msg_x',
      'webhook-timestamp': ts,
      'webhook-signature': signature(generateWebhookSecret(), 'msg_x', nowSeconds, body),
    }),
    bad(
      'body changed after signing',
      { 'webhook-id': 'msg_x', 'webhook-timestamp': ts, 'webhook-signature': `v1,${validDigest}` },
      Buffer.from(JSON.stringify(userCreated({ id: 'evt_hostile' }, { email: 'mallory@example.com' }))),
    ),
    bad('signature made for another delivery id', {
      'webhook-id': 'msg_y',
      'webhook-timestamp': ts,
      'webhook-signature': `v1,${validDigest}`,
    }),
    bad('two webhook-signature headers, neither valid', {
      'webhook-id': 'msg_x',
      'webhook-timestamp': ts,
      'webhook-signature': [
        signature(generateWebhookSecret(), 'msg_x', nowSeconds, body),
        signature(generateWebhookSecret(), 'msg_x', nowSeconds, body),
      ],
    }),
    bad('two webhook-id headers', {
      'webhook-id': ['msg_x', 'msg_z'],
      'webhook-timestamp': ts,
      'webhook-signature': `v1,${validDigest}`,
    }),
    bad('two webhook-timestamp headers', {
      'webhook-id': 'msg_x',
      'webhook-timestamp': [ts, ts],
      'webhook-signature': `v1,${validDigest}`,
    }),
    {
      name: 'timestamp six minutes old',
      ...signed(body, { timestamp: nowSeconds - 360 }),
      status: 400,
      code: 'INVALID_SIGNATURE',
    },
    {
      name: 'timestamp six minutes ahead',
      ...signed(body, { timestamp: nowSeconds + 360 }),
      status: 400,
      code: 'INVALID_SIGNATURE',
    },
    {
      name: 'timestamp in milliseconds',
      ...signed(body, { timestamp: nowSeconds * 1000 }),
      status: 400,
      code: 'INVALID_SIGNATURE',
    },
    bad('timestamp not an integer', {
      'webhook-id': 'msg_x',
      'webhook-timestamp': `${ts}.0`,
      'webhook-signature': signature(secret, 'msg_x', nowSeconds, body),
    }),
    bad('valid digest under another scheme version', {
      'webhook-id': 'msg_x',
      'webhook-timestamp': ts,
      'webhook-signature': `v2,${validDigest}`,
    }),
    bad('signature that is not base64', {
      'webhook-id': 'msg_x',
      'webhook-timestamp': ts,
      'webhook-signature': 'v1,!!!!not*base64!!!!',
    }),
    invalid('empty body, correctly signed', Buffer.alloc(0)),
    invalid('non-UTF-8 bytes, correctly signed', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    invalid('truncated JSON, correctly signed', body.subarray(0, body.length - 7)),
    invalid('UTF-16 encoded JSON, correctly signed', Buffer.from(body.toString('utf8'), 'utf16le')),
    invalid('JSON null', 'null'),
    invalid('JSON array instead of an event', `[${JSON.stringify(event)}]`),
    invalid(
      'deeply nested JSON in data',
      `{${JSON.stringify(event)
        .slice(1, -1)
        .replace(/"data":\{[^}]*\}/, `"data":${deep}`)}}`,
    ),
    invalid(
      '__proto__ carrying the required fields',
      `{"__proto__":{"id":"evt_proto","type":"organization.directory.user_created","polluted":true},${JSON.stringify({ ...event, id: undefined, type: undefined }).slice(1)}`,
    ),
    invalid(
      'constructor.prototype pollution',
      `{"constructor":{"prototype":{"polluted":true}},${JSON.stringify({ ...event, id: undefined }).slice(1)}`,
    ),
    invalid('event id of the wrong type', userCreated({ id: 42 })),
    invalid('occurred_at that is not a timestamp', userCreated({ occurred_at: 'yesterday' })),
    invalid('user of another organization', userCreated({}, { organization_id: 'org_2' })),
    invalid('data that is a string', userCreated({ data: 'diruser_1' })),
    {
      name: 'oversized signature header',
      headers: {
        ...JSON_TYPE,
        'webhook-id': 'msg_x',
        'webhook-timestamp': ts,
        'webhook-signature': bogusEntries.join(' '),
      },
      body,
      // Node's HTTP parser refuses headers over 16 KiB before any framework runs.
      status: 431,
      injected: { status: 400, code: 'INVALID_SIGNATURE' },
    },
  ];
}
