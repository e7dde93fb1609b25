import { ScimError, type ScimErrorCode, type WebhookResponseBody } from '@scim/core';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { fromFastifyLogger } from './fastify-logger.js';
import type { ScimWebhookPluginOptions } from './types.js';

function errorBody(code: ScimErrorCode, message: string): WebhookResponseBody {
  return { status: 'error', code, message };
}

/**
 * The Scalekit webhook endpoint as an encapsulated Fastify plugin:
 * `app.register(scimWebhookPlugin, { prefix: '/webhooks/scalekit', engine })`.
 *
 * It is deliberately not wrapped with `fastify-plugin`: inside its own context it replaces every content-type
 * parser with one that keeps the raw bytes (the signature covers them), so the app's JSON parser, and any
 * parser the app adds, keeps working everywhere else and cannot break the webhook.
 */
export const scimWebhookPlugin: FastifyPluginAsync<ScimWebhookPluginOptions> = async (app, options) => {
  const { engine, onError } = options;
  if (engine === null || typeof engine !== 'object' || typeof engine.handleWebhook !== 'function') {
    throw new ScimError('CONFIGURATION_ERROR', 'scimWebhookPlugin needs { engine } from createScimEngine');
  }
  const bodyLimit = engine.maxBodyBytes;
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit <= 0) {
    throw new ScimError('CONFIGURATION_ERROR', 'scimWebhookPlugin needs an engine with a positive maxBodyBytes');
  }
  const loggerOf = (request: FastifyRequest) => options.logger ?? fromFastifyLogger(request.log);

  const report = (error: ScimError, request: FastifyRequest) => {
    if (onError === undefined) return;
    const hookFailed = (hookError: unknown) =>
      loggerOf(request).error('scim onError hook failed', {
        error: hookError instanceof Error ? hookError.name : typeof hookError,
      });
    try {
      const pending = onError(error, request);
      if (pending !== undefined && typeof pending.then === 'function') pending.then(undefined, hookFailed);
    } catch (hookError) {
      hookFailed(hookError);
    }
  };

  const answer = (request: FastifyRequest, reply: FastifyReply, status: number, body: WebhookResponseBody) => {
    if (status >= 400) {
      report(new ScimError((body.code ?? 'STORAGE_FAILURE') as ScimErrorCode, body.message ?? '', { status }), request);
    }
    return reply.code(status).header('cache-control', 'no-store').send(body);
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  // Errors Fastify raises while reading the body (too large, bad content-length, aborted) answered in core's shape.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
      loggerOf(request).warn('webhook rejected', { reason: 'PAYLOAD_TOO_LARGE', limit: bodyLimit });
      // The rest of the upload is never read: closing the connection is cheaper than draining it.
      reply.header('connection', 'close');
      return answer(request, reply, 413, errorBody('PAYLOAD_TOO_LARGE', `The body exceeds ${bodyLimit} bytes`));
    }
    if (status >= 400 && status < 500) {
      return answer(request, reply, status, errorBody('INVALID_PAYLOAD', error.message));
    }
    // Not the plugin's to answer: the app's error handler decides, as for its other routes.
    report(
      new ScimError('STORAGE_FAILURE', 'The webhook handler failed unexpectedly', { status, cause: error }),
      request,
    );
    throw error;
  });

  app.post(options.path ?? '/', { bodyLimit }, async (request, reply) => {
    const rawBody = request.body instanceof Uint8Array ? request.body : new Uint8Array(0);
    const { status, body } = await engine.handleWebhook({ headers: request.headers, rawBody });
    return answer(request, reply, status, body);
  });

  if (options.healthPath !== undefined) {
    app.get(options.healthPath, async (_request, reply) =>
      reply.header('cache-control', 'no-store').send({ ok: true }),
    );
  }
};
