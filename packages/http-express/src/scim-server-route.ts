import type { ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { consoleLogger, ScimError } from '@scim/core';
import { readRawBody } from './read-raw-body.js';
import type { ScimServerAnswer, ScimServerLike, ScimServerRouteOptions } from './scim-server-types.js';
import type { ExpressLikeRequest, ScimExpressHandler } from './types.js';

function send(res: ServerResponse, answer: ScimServerAnswer, extra: Record<string, string> = {}) {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries({ ...answer.headers, ...extra })) res.setHeader(name, value);
  if (answer.body === undefined) {
    res.end();
    return;
  }
  const text = JSON.stringify(answer.body);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/** The bytes of the request: read here, or what `express.raw()` / `express.json()` left when they ran first. */
async function bodyOf(req: ExpressLikeRequest, limit: number) {
  if (req.body instanceof Uint8Array) return { ok: true as const, body: req.body };
  const consumed = req.readableEnded || req.readableDidRead || (req as { _body?: unknown })._body === true;
  if (consumed) {
    // SCIM needs the JSON, not the exact bytes: a parser's result is as good (if its own limit let it through).
    const text = typeof req.body === 'string' ? req.body : req.body === undefined ? '' : JSON.stringify(req.body);
    return { ok: true as const, body: text, parsedFirst: true };
  }
  return readRawBody(req, limit);
}

/**
 * The SCIM 2.0 endpoints of a `@scim/scim-server` server as one Express middleware (Express 4 and 5), under
 * `basePath` (default `/scim/v2`): `app.use(scimServerRoute(createScimServer({ store })))`. Other paths go on
 * to `next()`. Mount it before `express.json()`: that parser's 100 kB default is below a large member PATCH.
 */
export function scimServerRoute(server: ScimServerLike, options: ScimServerRouteOptions = {}): ScimExpressHandler {
  if (server === null || typeof server !== 'object' || typeof server.handle !== 'function') {
    throw new ScimError('CONFIGURATION_ERROR', 'scimServerRoute needs the server returned by createScimServer');
  }
  const logger = options.logger ?? consoleLogger();
  const basePath = `/${(options.basePath ?? '/scim/v2').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
  let parsedFirstLogged = false;

  async function handle(req: ExpressLikeRequest, res: ServerResponse, path: string) {
    const read = await bodyOf(req, server.maxBodyBytes);
    if (!read.ok) {
      const tooLarge = read.reason === 'too-large';
      if (!tooLarge) logger.info('scim upload aborted by the client');
      const detail = tooLarge
        ? `The body exceeds ${server.maxBodyBytes} bytes`
        : 'The body was not received completely';
      // The rest of the upload is never read: closing the connection is cheaper than draining it.
      send(res, server.errorResponse(tooLarge ? 413 : 400, detail), { connection: 'close' });
      return;
    }
    if ('parsedFirst' in read && !parsedFirstLogged) {
      parsedFirstLogged = true;
      logger.warn('a body parser ran before the SCIM route; mount the route first to keep its body limit');
    }
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const protocol =
      (req as { protocol?: string }).protocol ?? ((req.socket as TLSSocket).encrypted ? 'https' : 'http');
    const mount = (req as { baseUrl?: string }).baseUrl ?? '';
    const answer = await server.handle({
      method: req.method ?? 'GET',
      path,
      query: queryAt < 0 ? '' : url.slice(queryAt + 1),
      headers: req.headers,
      body: read.body,
      baseUrl: `${protocol}://${req.headers.host ?? 'localhost'}${mount}${basePath}`,
    });
    send(res, answer);
  }

  return (req, res, next) => {
    const url = req.url ?? '/';
    const full = typeof req.path === 'string' ? req.path : url.split('?', 1)[0]!;
    if (full !== basePath && !full.startsWith(`${basePath}/`) && basePath !== '') {
      next();
      return;
    }
    handle(req, res, full.slice(basePath.length) || '/').catch(next);
  };
}
