import type { WebhookRequest } from '@scim/core';
import { signWebhook } from '@scim/core/testing';
import { randomToken } from './ids.js';
import type { RawScalekitEvent } from './scalekit-events.js';

/** A webhook delivery of `payload` as Scalekit signs it, for `engine.handleWebhook`. */
export function delivery(secret: string, payload: RawScalekitEvent): WebhookRequest & { rawBody: string } {
  const id = `msg_${randomToken(20)}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const rawBody = JSON.stringify(payload);
  return {
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ secret, id, timestamp, body: rawBody }),
      'content-type': 'application/json',
    },
    rawBody,
  };
}
