import type { ApplyOutcome, ApplyResult } from '../engine/types.js';
import { ScimError } from '../errors.js';
import { parseDirectoryEventJson } from '../events/parse.js';
import type { DirectoryEvent } from '../events/types.js';
import { describeError } from '../log-error.js';
import type { ScimLogger } from '../logger.js';
import { markSensitive, stringsOf } from '../redact.js';
import type { HeadersLike } from './headers.js';
import type { WebhookVerifier } from './verify.js';

export interface WebhookRequest {
  headers: HeadersLike;
  /** The body exactly as received. Re-serialized JSON does not verify. */
  rawBody: string | Uint8Array;
}

export interface WebhookResponseBody {
  /** `processed` (201), `duplicate`, `stale`, `ignored`, `unknown_type` (200), or `error`. */
  status: 'processed' | ApplyOutcome | 'error';
  eventId?: string;
  /** Stable error code when `status` is `error`. */
  code?: string;
  message?: string;
}

export interface WebhookResponse {
  status: number;
  body: WebhookResponseBody;
}

export interface WebhookHandlerOptions {
  /** Null when no secret is configured: every delivery is then answered 500 and logged. */
  verify: WebhookVerifier | null;
  maxBodyBytes: number;
  logger: ScimLogger;
  apply(event: DirectoryEvent): Promise<ApplyResult>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

function failure(status: number, code: string, message: string, eventId?: string): WebhookResponse {
  return { status, body: { status: 'error', code, message, ...(eventId === undefined ? {} : { eventId }) } };
}

/**
 * A webhook delivery to an HTTP answer, the same for every binding: 413 past the body limit, 400 for a
 * bad signature or payload (Scalekit does not retry a 4xx, and no retry would help), 201 for an applied
 * event, 200 for a duplicate, stale, ignored or unknown one, and 500 (Scalekit retries) when the
 * change could not be committed. Never throws.
 */
export function createWebhookHandler(
  options: WebhookHandlerOptions,
): (request: WebhookRequest) => Promise<WebhookResponse> {
  const { verify, maxBodyBytes, logger } = options;
  return async ({ headers, rawBody }) => {
    if (verify === null) {
      logger.error('webhook received but no webhook secret is configured (SCALEKIT_WEBHOOK_SECRET)');
      return failure(500, 'CONFIGURATION_ERROR', 'The webhook secret is not configured');
    }
    if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
      logger.error('webhook body is not raw: pass the bytes as received, before any JSON parser');
      return failure(500, 'CONFIGURATION_ERROR', 'The raw request body is not available');
    }
    if (byteLength(rawBody) > maxBodyBytes) {
      logger.warn('webhook rejected', { reason: 'PAYLOAD_TOO_LARGE', bytes: byteLength(rawBody) });
      return failure(413, 'PAYLOAD_TOO_LARGE', `The body exceeds ${maxBodyBytes} bytes`);
    }
    const verdict = verify(headers, rawBody);
    if (!verdict.ok) {
      logger.warn('webhook rejected', { reason: verdict.reason });
      return failure(400, 'INVALID_SIGNATURE', verdict.message);
    }
    let event: DirectoryEvent;
    try {
      event = parseDirectoryEventJson(typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody));
    } catch (error) {
      const message = error instanceof ScimError ? error.message : 'The body is not valid UTF-8';
      logger.warn('webhook rejected', { reason: 'INVALID_PAYLOAD', webhookId: verdict.id });
      return failure(400, 'INVALID_PAYLOAD', message);
    }
    try {
      const result = await options.apply(event);
      const body: WebhookResponseBody = {
        status: result.outcome === 'applied' ? 'processed' : result.outcome,
        eventId: event.id,
      };
      // Acknowledged (Scalekit stops retrying), and the reason told to whoever reads the delivery log.
      if (result.outcome === 'rejected' && result.reason !== undefined) body.message = result.reason;
      return { status: result.outcome === 'applied' ? 201 : 200, body };
    } catch (error) {
      markSensitive(error, stringsOf(event.raw));
      const code = error instanceof ScimError ? error.code : 'STORAGE_FAILURE';
      logger.error('webhook could not be committed; Scalekit will retry', {
        eventId: event.id,
        type: event.type,
        organizationId: event.organizationId,
        ...describeError(error),
      });
      return failure(500, code, 'The change could not be committed; retry later', event.id);
    }
  };
}
