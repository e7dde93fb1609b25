import type { ScimLogger } from '@scim/core';
import type { FastifyRequest } from 'fastify';

/** The answer of `ScimServer.handle` (`@scim/scim-server`). */
export interface ScimServerAnswer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * The part of `@scim/scim-server`'s `ScimServer` the plugin uses, spelled out here so that this package neither
 * imports nor requires `@scim/scim-server`: an app that only takes webhooks does not install it.
 */
export interface ScimServerLike {
  handle(request: {
    method: string;
    path: string;
    query?: string;
    headers: FastifyRequest['headers'];
    body?: Uint8Array | string | null;
    baseUrl?: string;
  }): Promise<ScimServerAnswer>;
  readonly maxBodyBytes: number;
  errorResponse(status: number, detail: string): ScimServerAnswer;
}

export interface ScimServerPluginOptions {
  /** The server from `createScimServer`; its `maxBodyBytes` is the plugin's body limit. */
  server: ScimServerLike;
  /** Where the SCIM base URL sits, under the plugin's `prefix`. Default `'/scim/v2'`. */
  basePath?: string;
  /** Where the plugin logs. Default: the request's Fastify logger. */
  logger?: ScimLogger;
}
