import type { ServerResponse } from 'node:http';
import { consoleLogger, type ScimEngine, ScimError, type ScimErrorCode, type WebhookResponseBody } from '@scim/core';
import { readRawBody } from './read-raw-body.js';
import { sendJson } from './respond.js';
import type { ExpressLikeRequest, ScimExpressHandler, ScimWebhookOptions } from './types.js';

const PARSED_BODY_MESSAGE =
  'The webhook needs the raw request body, but a body parser that ran before it (express.json(), ' +
  'express.text() or express.urlencoded()) already consumed it. Mount the SCIM webhook before those parsers, ' +
  "or give its path express.raw({ type: '*/*' }).";

/** Whether something already read the request stream, so the bytes the signature covers are gone. */
function streamConsumed(req: ExpressLikeRequest): boolean {
  // body-parser (Express 4 and 5) sets `_body` once it has read a body.
  return req.readableEnded || req.readableDidRead || (req as { _body?: unknown })._body === true;
}

function errorBody(code: ScimErrorCode, message: string): WebhookResponseBody {
  return { status: 'error', code, message };
}

/**
 * The webhook endpoint as one Express handler, for `app.post(path, scimWebhook(engine))`. It reads the raw
 * body itself (stopping at the engine's `maxBodyBytes`), or takes it from `express.raw()`, and answers with
 * the status and body `engine.handleWebhook` decides. Works on Express 4 and 5.
 */
export function scimWebhook(engine: ScimEngine, options: ScimWebhookOptions = {}): ScimExpressHandler {
  if (engine === null || typeof engine !== 'object' || typeof engine.handleWebhook !== 'function') {
    throw new ScimError('CONFIGURATION_ERROR', 'scimWebhook needs the engine returned by createScimEngine');
  }
  const logger = options.logger ?? consoleLogger();
  const limit = engine.maxBodyBytes;
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new ScimError('CONFIGURATION_ERROR', 'scimWebhook needs an engine with a positive maxBodyBytes');
  }
  const { onError } = options;
  let parserMisconfigurationLogged = false;

  const hookFailed = (error: unknown) =>
    logger.error('scim onError hook failed', { error: error instanceof Error ? error.name : typeof error });

  const report = (error: ScimError, req: ExpressLikeRequest) => {
    if (onError === undefined) return;
    try {
      const pending = onError(error, req);
      if (pending !== undefined && typeof pending.then === 'function') pending.then(undefined, hookFailed);
    } catch (hookError) {
      hookFailed(hookError);
    }
  };

  const answer = (
    req: ExpressLikeRequest,
    res: ServerResponse,
    status: number,
    body: WebhookResponseBody,
    headers?: Record<string, string>,
  ) => {
    if (status >= 400) {
      report(new ScimError((body.code ?? 'STORAGE_FAILURE') as ScimErrorCode, body.message ?? '', { status }), req);
    }
    sendJson(res, status, body, headers);
  };

  async function handle(req: ExpressLikeRequest, res: ServerResponse): Promise<void> {
    let rawBody: Uint8Array;
    if (req.body instanceof Uint8Array) {
      rawBody = req.body;
    } else if (streamConsumed(req)) {
      if (!parserMisconfigurationLogged) {
        parserMisconfigurationLogged = true;
        logger.error(PARSED_BODY_MESSAGE);
      }
      answer(req, res, 500, errorBody('CONFIGURATION_ERROR', PARSED_BODY_MESSAGE));
      return;
    } else {
      const read = await readRawBody(req, limit);
      if (!read.ok) {
        if (read.reason === 'too-large') {
          logger.warn('webhook rejected', { reason: 'PAYLOAD_TOO_LARGE', limit });
          // The rest of the upload is never read: closing the connection is cheaper than draining it.
          answer(req, res, 413, errorBody('PAYLOAD_TOO_LARGE', `The body exceeds ${limit} bytes`), {
            connection: 'close',
          });
        } else {
          logger.info('webhook upload aborted by the client');
          // Reported even when the client is gone and the answer has nowhere to go.
          answer(req, res, 400, errorBody('INVALID_PAYLOAD', 'The request body was not received completely'), {
            connection: 'close',
          });
        }
        return;
      }
      rawBody = read.body;
    }
    const { status, body } = await engine.handleWebhook({ headers: req.headers, rawBody });
    answer(req, res, status, body);
  }

  return (req, res, next) => {
    handle(req, res).catch((error: unknown) => {
      // handleWebhook never throws; whatever lands here is unexpected, so Express's error handling takes it.
      report(
        new ScimError('STORAGE_FAILURE', 'The webhook handler failed unexpectedly', { status: 500, cause: error }),
        req,
      );
      next(error);
    });
  };
}
