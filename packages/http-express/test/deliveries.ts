/**
 * Signed Scalekit deliveries and a raw HTTP client for the binding tests, framework-neutral: the Fastify
 * binding's tests import this file too.
 */
import { type IncomingHttpHeaders, request } from 'node:http';
import type { LogFields, ScimLogger } from '@scim/core';
import { signWebhook } from '@scim/core/testing';

export const NOW = new Date('2026-11-29T10:00:00Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

export type RequestHeaders = Record<string, string | string[]>;

export interface Delivery {
  headers: RequestHeaders;
  body: Buffer;
}

/** A `user_created` event as Scalekit sends it. */
export function userCreated(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    spec_version: '1',
    id: 'evt_1',
    type: 'organization.directory.user_created',
    occurred_at: '2026-11-29T09:59:00.000000001Z',
    organization_id: 'org_1',
    object: 'DirectoryUser',
    data: { id: 'diruser_1', organization_id: 'org_1', email: 'ada@example.com', active: true, ...data },
    ...overrides,
  };
}

let deliveries = 0;

/** Signs a body (an object is serialized as JSON) the way Scalekit does. */
export function signedDelivery(
  secret: string,
  payload: unknown,
  options: { id?: string; timestamp?: number; contentType?: string | null } = {},
): Delivery {
  const body = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const id = options.id ?? `msg_${++deliveries}`;
  const timestamp = options.timestamp ?? NOW_SECONDS;
  const headers: RequestHeaders = {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook({ secret, id, timestamp, body }),
  };
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  return { headers, body };
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface SendOptions {
  method?: string;
  headers?: RequestHeaders;
  /** A Buffer is sent with its length; chunks are sent chunked, stopping once the server has answered. */
  body?: Buffer | Iterable<Buffer>;
}

/**
 * One request over a fresh connection with `node:http`, which (unlike fetch) sends repeated headers as
 * separate lines and lets a body be streamed without a length.
 */
export function send(url: string, options: SendOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // A server that answers before reading the whole upload may reset the connection under the writer.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const body = options.body;
    if (body === undefined || Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    const chunks = body[Symbol.iterator]();
    const pump = () => {
      while (!answered && !req.destroyed) {
        const next = chunks.next();
        if (next.done) {
          req.end();
          return;
        }
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

/** `count` chunks of `size` bytes each, produced lazily so a huge upload never exists in memory. */
export function* chunks(count: number, size: number): Generator<Buffer> {
  const chunk = Buffer.alloc(size, 0x61);
  for (let i = 0; i < count; i++) yield chunk;
}

/** A logger that keeps every line, to check what the binding logs and that no secret reaches a log. */
export function capturingLogger(): { logger: ScimLogger; lines: string[] } {
  const lines: string[] = [];
  const sink = (level: string) => (message: string, fields?: LogFields) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { logger: { debug: sink('debug'), info: sink('info'), warn: sink('warn'), error: sink('error') }, lines };
}
