import type { IncomingHttpHeaders } from 'node:http';
import type { ScimLogger } from '@scim/core';

/** The answer of `ScimServer.handle` (`@scim/scim-server`). */
export interface ScimServerAnswer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * The part of `@scim/scim-server`'s `ScimServer` the route uses, spelled out here so that this package neither
 * imports nor requires `@scim/scim-server`: an app that only takes webhooks does not install it.
 */
export interface ScimServerLike {
  handle(request: {
    method: string;
    path: string;
    query?: string;
    headers: IncomingHttpHeaders;
    body?: Uint8Array | string | null;
    baseUrl?: string;
  }): Promise<ScimServerAnswer>;
  readonly maxBodyBytes: number;
  errorResponse(status: number, detail: string): ScimServerAnswer;
}

export interface ScimServerRouteOptions {
  /** Where the SCIM base URL sits, relative to where the route is mounted. Default `'/scim/v2'`. */
  basePath?: string;
  /** Where the route logs (aborted uploads, a body parser that ran first). Default: core's console logger. */
  logger?: ScimLogger;
}
