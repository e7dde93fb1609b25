import type { QueryParams } from '../http/query.js';
import type { ScimRequest } from '../http/types.js';
import type { LocationOf } from '../resources/representation.js';
import type { ServerContext } from './options.js';

/** One authenticated request: the organization its token belongs to, and how to spell locations. */
export interface RequestContext {
  server: ServerContext;
  organizationId: string;
  request: ScimRequest;
  params: QueryParams;
  /** The server's receive time (`meta.lastModified` of what this request writes). */
  receivedAt: Date;
  /** The version of whatever this request writes: its receive time in nanoseconds, unique on this instance. */
  receivedVersion: bigint;
  locationOf: LocationOf;
}
