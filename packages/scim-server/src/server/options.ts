import { randomUUID } from 'node:crypto';
import { consoleLogger, type DirectoryUser, ScimError, type ScimLogger } from '@scim/core';
import type { CanonicalOptions, UnknownAttributePolicy } from '../resources/canonical.js';
import type { ScimExtension } from '../schema/extensions.js';
import { createSchemaRegistry, type SchemaRegistry } from '../schema/registry.js';
import type { ScimStore } from '../store/port.js';

export interface ScimServerOptions {
  /** The storage port: `memoryScimStore()`, or the one your storage adapter provides. */
  store: ScimStore;
  /** App-defined schema extensions (the enterprise User extension is always there). */
  extensions?: ScimExtension[];
  /** A last word on each user before it reaches the engine (map extension attributes your own way). */
  mapUser?: (user: DirectoryUser, resource: Record<string, unknown>) => DirectoryUser;
  /** Largest request body, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** `count` when a list request gives none. Default 100. */
  defaultPageSize?: number;
  /** The largest `count` answered (larger ones are clamped, RFC 7644 3.4.2.4). Default 1000. */
  maxPageSize?: number;
  /**
   * How many resources a filter the store cannot run entirely may examine before the answer is 400 `tooMany`.
   * The store narrows first with the indexed part of the filter. Default 10,000.
   */
  maxFilterScan?: number;
  /** Attributes no schema defines: refused with 400 `invalidSyntax` (default) or dropped. */
  unknownAttributes?: UnknownAttributePolicy;
  /** The absolute SCIM base URL for `meta.location`; default: what the binding derives from the request. */
  baseUrl?: string;
  /**
   * How long, in milliseconds, a bearer token found valid is trusted without reading the store again (each
   * server instance keeps its own). A revoked token is refused at most this long after the revocation. Default
   * 5000; 0 reads the store on every request.
   */
  tokenCacheMs?: number;
  /** Retries of a write that lost a race with another one (no `If-Match`). Default 5. */
  maxWriteRetries?: number;
  /** Where the server logs (storage failures); never request values or tokens. Default core's console logger. */
  logger?: ScimLogger;
  /** Clock, for tests. */
  now?: () => Date;
  /** Resource ids. Default `crypto.randomUUID()`. */
  generateId?: () => string;
}

/** Everything a request handler needs, resolved once. */
export interface ServerContext {
  store: ScimStore;
  registry: SchemaRegistry;
  canonical: CanonicalOptions;
  mapUser: ((user: DirectoryUser, resource: Record<string, unknown>) => DirectoryUser) | undefined;
  maxBodyBytes: number;
  defaultPageSize: number;
  maxPageSize: number;
  maxFilterScan: number;
  maxWriteRetries: number;
  tokenCacheMs: number;
  baseUrl: string | undefined;
  logger: ScimLogger;
  now: () => Date;
  generateId: () => string;
}

function positive(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < (allowZero ? 0 : 1)) {
    throw new ScimError('CONFIGURATION_ERROR', `createScimServer: ${name} must be a positive integer`);
  }
  return resolved;
}

export function resolveOptions(options: ScimServerOptions): ServerContext {
  const store = options?.store;
  const methods = ['findToken', 'get', 'query', 'existingIds', 'listMembers', 'groupsOfUsers', 'write'] as const;
  if (store === null || typeof store !== 'object' || methods.some((name) => typeof store[name] !== 'function')) {
    throw new ScimError('CONFIGURATION_ERROR', `createScimServer needs a store with ${methods.join(', ')}`);
  }
  const unknownAttributes = options.unknownAttributes ?? 'reject';
  if (unknownAttributes !== 'reject' && unknownAttributes !== 'ignore') {
    throw new ScimError('CONFIGURATION_ERROR', "createScimServer: unknownAttributes is 'reject' or 'ignore'");
  }
  const maxPageSize = positive(options.maxPageSize, 1000, 'maxPageSize');
  return {
    store,
    registry: createSchemaRegistry(options.extensions ?? []),
    canonical: { unknownAttributes },
    mapUser: options.mapUser,
    maxBodyBytes: positive(options.maxBodyBytes, 1024 * 1024, 'maxBodyBytes'),
    defaultPageSize: Math.min(positive(options.defaultPageSize, 100, 'defaultPageSize'), maxPageSize),
    maxPageSize,
    maxFilterScan: positive(options.maxFilterScan, 10_000, 'maxFilterScan'),
    maxWriteRetries: positive(options.maxWriteRetries, 5, 'maxWriteRetries', true),
    tokenCacheMs: positive(options.tokenCacheMs, 5000, 'tokenCacheMs', true),
    baseUrl: options.baseUrl?.replace(/\/+$/, ''),
    logger: options.logger ?? consoleLogger(),
    now: options.now ?? (() => new Date()),
    generateId: options.generateId ?? randomUUID,
  };
}
