import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRuntime } from './api-runtime.js';

const MAX_BODY_BYTES = 64 * 1024;

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Form fields, or a JSON object's string fields: the two encodings OAuth clients use. */
function parseFields(contentType: string | undefined, body: string): Map<string, string> {
  const fields = new Map<string, string>();
  if (contentType?.includes('application/json')) {
    try {
      const value: unknown = JSON.parse(body);
      if (typeof value === 'object' && value !== null) {
        for (const [k, v] of Object.entries(value)) if (typeof v === 'string') fields.set(k, v);
      }
    } catch {
      // An unparsable body has no fields; the grant check below answers it.
    }
    return fields;
  }
  for (const [k, v] of new URLSearchParams(body)) fields.set(k, v);
  return fields;
}

/** Client credentials from HTTP Basic authentication (RFC 6749 section 2.3.1), when sent that way. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (header === undefined || !header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/**
 * `POST /oauth/token` with the client-credentials grant: `{access_token, token_type, expires_in}`, or 401
 * `invalid_client` for a wrong client id or secret (which the SDK lets escape as an axios error).
 */
export async function handleTokenRequest(api: ApiRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    reply(res, 405, { error: 'invalid_request', error_description: 'use POST' });
    return;
  }
  const body = await readBody(req);
  if (body === null) {
    reply(res, 413, { error: 'invalid_request', error_description: 'body too large' });
    return;
  }
  const fields = parseFields(req.headers['content-type'], body);
  if (fields.get('grant_type') !== 'client_credentials') {
    api.refuseToken();
    reply(res, 400, { error: 'unsupported_grant_type', error_description: 'only client_credentials is supported' });
    return;
  }
  const basic = basicCredentials(req.headers.authorization);
  const clientId = fields.get('client_id') ?? basic?.id ?? '';
  const clientSecret = fields.get('client_secret') ?? basic?.secret ?? '';
  if (!api.credentialsMatch(clientId, clientSecret)) {
    api.refuseToken();
    reply(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
    return;
  }
  const { token, expiresIn } = api.issueToken();
  reply(res, 200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn });
}
