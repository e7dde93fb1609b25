import type { ScimEngine, ScimError, ScimLogger } from '@scim/core';
import type { FastifyRequest } from 'fastify';

export interface ScimWebhookPluginOptions {
  /** The engine from `createScimEngine`; its `maxBodyBytes` is the plugin's body limit. */
  engine: ScimEngine;
  /** Path of the webhook endpoint (POST), under the plugin's `prefix`. Default `'/'`. */
  path?: string;
  /** When set, `GET` on this path answers `200 { "ok": true }`, for load balancers and uptime checks. */
  healthPath?: string;
  /**
   * Told about every request answered with an error status (4xx/5xx), with the code and status of the answer.
   * A hook that throws or rejects is logged and ignored.
   */
  onError?: (error: ScimError, request: FastifyRequest) => void | Promise<void>;
  /** Where the plugin logs. Default: the request's Fastify logger (`request.log`). */
  logger?: ScimLogger;
}
