import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ScimError, ScimLogger } from '@scim/core';

/**
 * The part of an Express request the binding reads. Express 4's and 5's `Request` both extend it, so the
 * handlers type-check against either major's typings without importing them.
 */
export interface ExpressLikeRequest extends IncomingMessage {
  /** Set by a body parser that ran earlier; only a raw `Buffer` (from `express.raw()`) is usable. */
  body?: unknown;
  /** The path relative to the mount point (Express sets it). */
  path?: string;
}

export type ExpressLikeNext = (error?: unknown) => void;

/** A middleware/route handler accepted by `app.use`, `app.post` and `router.use` of Express 4 and 5. */
export type ScimExpressHandler = (req: ExpressLikeRequest, res: ServerResponse, next: ExpressLikeNext) => void;

export interface ScimWebhookOptions {
  /**
   * Told about every request answered with an error status (4xx/5xx), with the code and status of the answer,
   * after the answer is decided. A hook that throws or rejects is logged and ignored.
   */
  onError?: (error: ScimError, req: ExpressLikeRequest) => void | Promise<void>;
  /** Where the binding logs (configuration errors, aborted uploads). Default: core's console logger. */
  logger?: ScimLogger;
}

export interface ScimRouterOptions extends ScimWebhookOptions {
  /** Path of the webhook endpoint (POST), relative to where the router is mounted. Default `'/'`. */
  path?: string;
  /** When set, `GET` on this path answers `200 { "ok": true }`, for load balancers and uptime checks. */
  healthPath?: string;
}
