import type { ScimEngine } from '@scim/core';
import { sendJson } from './respond.js';
import type { ExpressLikeRequest, ScimExpressHandler, ScimRouterOptions } from './types.js';
import { scimWebhook } from './webhook.js';

function normalizePath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed === '' ? '/' : trimmed;
}

function requestPath(req: ExpressLikeRequest): string {
  if (typeof req.path === 'string') return req.path;
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * A mountable middleware serving the webhook (`POST path`) and, optionally, a health route
 * (`GET healthPath`); every other request goes on to the next handler. Mount it with
 * `app.use('/webhooks/scalekit', scimRouter(engine, { healthPath: '/health' }))`, before the app's body parsers
 * or after them: it never relies on their output.
 */
export function scimRouter(engine: ScimEngine, options: ScimRouterOptions = {}): ScimExpressHandler {
  const webhook = scimWebhook(engine, options);
  const webhookPath = normalizePath(options.path ?? '/');
  const healthPath = options.healthPath === undefined ? undefined : normalizePath(options.healthPath);

  return (req, res, next) => {
    const path = normalizePath(requestPath(req));
    if (healthPath !== undefined && path === healthPath && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, 200, { ok: true });
      return;
    }
    if (path !== webhookPath) {
      next();
      return;
    }
    if (req.method === 'POST') {
      webhook(req, res, next);
      return;
    }
    sendJson(
      res,
      405,
      { status: 'error', code: 'METHOD_NOT_ALLOWED', message: 'The webhook accepts POST only' },
      { allow: 'POST' },
    );
  };
}
