import { toDirectoryGroup } from '../convert/directory-group.js';
import { toDirectoryUser } from '../convert/directory-user.js';
import type { ResourceSchemas } from '../schema/registry.js';
import type { RequestContext } from '../server/request-context.js';
import type { ScimChange, ScimWrite, StoredScimResource } from '../store/port.js';
import { indexValues } from './index-values.js';
import type { Json } from './representation.js';

export type ChangeKind = 'created' | 'updated' | 'deleted';

/** The change in the engine's terms: a `DirectoryUser` or `DirectoryGroup` and what happened to it. */
export function changeFor(
  context: RequestContext,
  schemas: ResourceSchemas,
  id: string,
  attributes: Json,
  kind: ChangeKind,
): ScimChange {
  const { organizationId, server } = context;
  if (schemas.resourceType === 'Group') {
    return { type: `group_${kind}`, group: toDirectoryGroup(organizationId, id, attributes) };
  }
  const converted = toDirectoryUser(organizationId, id, attributes, schemas);
  const user = server.mapUser === undefined ? converted : server.mapUser(converted, attributes);
  return { type: `user_${kind}`, user };
}

export interface PreparedWrite {
  write: ScimWrite;
  /** The resource as stored once the write commits; null after a delete. */
  stored: StoredScimResource | null;
}

/** One request's write: the new representation (or none), the membership deltas, the change, the versions. */
export function prepareWrite(
  context: RequestContext,
  schemas: ResourceSchemas,
  id: string,
  current: StoredScimResource | null,
  attributes: Json | null,
  members: { add: string[]; remove: string[] } | null,
): PreparedWrite {
  const { organizationId, receivedAt, receivedVersion: version } = context;
  const kind: ChangeKind = attributes === null ? 'deleted' : current === null ? 'created' : 'updated';
  const change = changeFor(context, schemas, id, attributes ?? current?.attributes ?? {}, kind);
  const created = current?.created ?? receivedAt;
  const write: ScimWrite = {
    organizationId,
    resourceType: schemas.resourceType,
    id,
    expectedVersion: current?.version ?? null,
    version,
    receivedAt,
    resource:
      attributes === null
        ? null
        : { attributes, index: indexValues(schemas.resourceType, attributes), created, lastModified: receivedAt },
    members: schemas.resourceType === 'Group' ? (members ?? { add: [], remove: [] }) : null,
    change,
  };
  const stored: StoredScimResource | null =
    attributes === null
      ? null
      : {
          organizationId,
          resourceType: schemas.resourceType,
          id,
          attributes,
          version,
          created,
          lastModified: receivedAt,
        };
  return { write, stored };
}
