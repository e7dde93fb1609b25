import { createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { ScimError } from '../errors.js';
import { getHeader, type HeadersLike } from './headers.js';

export type WebhookVerificationFailure =
  | 'MISSING_HEADERS'
  | 'INVALID_TIMESTAMP'
  | 'TIMESTAMP_TOO_OLD'
  | 'TIMESTAMP_TOO_NEW'
  | 'INVALID_SIGNATURE';

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: WebhookVerificationFailure; message: string };

export interface WebhookVerifierOptions {
  /**
   * The signing secret, `whsec_<base64>` (a bare base64 key is accepted too). Pass several during a
   * rotation: a delivery signed with any of them passes.
   */
  secret: string | readonly string[];
  /** Largest accepted distance between the delivery's timestamp and now, in both directions. Default 300. */
  toleranceSeconds?: number;
  /** Current time in milliseconds. Default `Date.now`. */
  now?: () => number;
}

export type WebhookVerifier = (headers: HeadersLike, rawBody: string | Uint8Array) => WebhookVerification;

export interface SignWebhookInput {
  secret: string;
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: string | Uint8Array;
}

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1';
const SIGNATURE_BYTES = 32;
const DEFAULT_TOLERANCE_SECONDS = 300;
const DIGITS_ONLY = /^[0-9]+$/;
// Standard and URL-safe alphabets, optional padding; whitespace is not part of a secret.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Builds a verifier for Standard Webhooks deliveries (Scalekit's format). Secrets are decoded once here;
 * a bad secret is a configuration error, thrown now rather than on the first delivery.
 *
 * The verifier checks, in order: the three `webhook-*` headers are present, the timestamp is a plain integer
 * within the tolerance, and one `v1` signature in `webhook-signature` matches the HMAC-SHA256 of
 * `${id}.${timestamp}.${rawBody}` under one of the secrets. Malformed signature entries are skipped, never
 * thrown on, so a bad entry cannot hide a good one.
 */
export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  // Plain-JS callers may pass an unset environment variable; that is a configuration error, not a TypeError.
  const secrets =
    typeof options.secret === 'string' ? [options.secret] : Array.isArray(options.secret) ? options.secret : [];
  if (secrets.length === 0) {
    throw new ScimError('CONFIGURATION_ERROR', 'Webhook verifier needs at least one signing secret');
  }
  const keys = secrets.map(decodeSecret);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new ScimError('CONFIGURATION_ERROR', 'Webhook toleranceSeconds must be a finite number >= 0');
  }
  const now = options.now ?? Date.now;

  return (headers, rawBody) => {
    const id = getHeader(headers, 'webhook-id');
    const timestampHeader = getHeader(headers, 'webhook-timestamp');
    const signatureHeader = getHeader(headers, 'webhook-signature');
    if (!id || !timestampHeader || !signatureHeader) {
      return failure(
        'MISSING_HEADERS',
        `Missing webhook header(s): ${missingNames(id, timestampHeader, signatureHeader)}`,
      );
    }

    if (!DIGITS_ONLY.test(timestampHeader)) {
      return failure('INVALID_TIMESTAMP', 'webhook-timestamp is not an integer number of seconds');
    }
    const timestamp = Number(timestampHeader);
    const nowSeconds = Math.floor(now() / 1000);
    if (nowSeconds - timestamp > tolerance) {
      return failure('TIMESTAMP_TOO_OLD', `webhook-timestamp is more than ${tolerance} s in the past`);
    }
    if (timestamp - nowSeconds > tolerance) {
      return failure('TIMESTAMP_TOO_NEW', `webhook-timestamp is more than ${tolerance} s in the future`);
    }

    const candidates = parseSignatures(signatureHeader);
    if (candidates.length > 0) {
      const prefix = `${id}.${timestampHeader}.`;
      for (const key of keys) {
        // A 'binary' (latin1) digest copied into a pooled Buffer is measurably cheaper than digest()'s fresh Buffer.
        const digest = createHmac('sha256', key).update(prefix).update(rawBody).digest('binary');
        const expected = Buffer.from(digest, 'binary');
        for (const candidate of candidates) {
          if (timingSafeEqual(candidate, expected)) return { ok: true, id, timestamp };
        }
      }
    }
    return failure('INVALID_SIGNATURE', 'No webhook-signature entry matches the payload');
  };
}

/** One-shot form of {@link createWebhookVerifier}; prefer the factory when verifying many deliveries. */
export function verifyWebhook(
  options: WebhookVerifierOptions & { headers: HeadersLike; rawBody: string | Uint8Array },
): WebhookVerification {
  return createWebhookVerifier(options)(options.headers, options.rawBody);
}

/** The `webhook-signature` value (`v1,<base64>`) Scalekit would send for this delivery. */
export function signWebhook(input: SignWebhookInput): string {
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new ScimError('CONFIGURATION_ERROR', 'Webhook timestamp must be a non-negative integer of seconds');
  }
  const digest = createHmac('sha256', decodeSecret(input.secret))
    .update(`${input.id}.${input.timestamp}.`)
    .update(input.body)
    .digest('base64');
  return `${SIGNATURE_VERSION},${digest}`;
}

/** A fresh signing secret: `whsec_` followed by the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function decodeSecret(secret: string): KeyObject {
  if (typeof secret !== 'string') {
    throw new ScimError('CONFIGURATION_ERROR', 'Webhook signing secret must be a string');
  }
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const unpadded = encoded.replace(/=+$/, '');
  const wellFormed =
    BASE64.test(encoded) &&
    unpadded.length % 4 !== 1 &&
    (unpadded.length === encoded.length || encoded.length % 4 === 0);
  // The message never quotes the secret: it would end up in logs.
  if (!wellFormed) {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      encoded.length === 0
        ? 'Webhook signing secret is empty'
        : 'Webhook signing secret is not valid base64 (expected whsec_<base64>)',
    );
  }
  return createSecretKey(Buffer.from(encoded, 'base64'));
}

/**
 * The decoded `v1` signatures of the header. Entries of another version, without a value, or whose value
 * does not decode to 32 bytes are skipped: they can never match, and throwing on them would let one bad
 * entry mask a good one. Like the Scalekit SDK, the value is the text between the first and second comma and
 * is decoded with Node's lenient base64 decoder, so every entry the SDK can match, this can match too.
 */
function parseSignatures(header: string): Buffer[] {
  const candidates: Buffer[] = [];
  for (const entry of header.split(' ')) {
    const firstComma = entry.indexOf(',');
    if (firstComma < 0 || entry.slice(0, firstComma) !== SIGNATURE_VERSION) continue;
    const secondComma = entry.indexOf(',', firstComma + 1);
    const value = entry.slice(firstComma + 1, secondComma < 0 ? undefined : secondComma);
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === SIGNATURE_BYTES) candidates.push(decoded);
  }
  return candidates;
}

function missingNames(id?: string, timestamp?: string, signature?: string): string {
  const names: string[] = [];
  if (!id) names.push('webhook-id');
  if (!timestamp) names.push('webhook-timestamp');
  if (!signature) names.push('webhook-signature');
  return names.join(', ');
}

function failure(reason: WebhookVerificationFailure, message: string): WebhookVerification {
  return { ok: false, reason, message };
}
