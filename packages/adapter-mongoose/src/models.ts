import type { Connection, Model, Schema } from 'mongoose';
import type {
  DirectoryDoc,
  EntityDoc,
  EventDoc,
  GroupDoc,
  LeaseDoc,
  LinkDoc,
  MembershipDoc,
  SyncStateDoc,
} from './documents.js';
import { scimSchemas } from './schemas.js';

/** The bookkeeping models of one connection. */
export interface ScimModels {
  events: Model<EventDoc>;
  entities: Model<EntityDoc>;
  groups: Model<GroupDoc>;
  memberships: Model<MembershipDoc>;
  directories: Model<DirectoryDoc>;
  syncStates: Model<SyncStateDoc>;
  leases: Model<LeaseDoc>;
  links: Model<LinkDoc>;
}

/** Reuses a model already compiled on this connection (a second adapter over it, hot reload). */
function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  const existing = connection.models[name] as Model<T> | undefined;
  return existing ?? connection.model<T>(name, schema);
}

/** Registers (once) and returns the SDK's bookkeeping models on the app's connection. */
export function scimModels(connection: Connection): ScimModels {
  return {
    events: modelOn(connection, 'ScimEvent', scimSchemas.ScimEvent),
    entities: modelOn(connection, 'ScimEntity', scimSchemas.ScimEntity),
    groups: modelOn(connection, 'ScimGroup', scimSchemas.ScimGroup),
    memberships: modelOn(connection, 'ScimMembership', scimSchemas.ScimMembership),
    directories: modelOn(connection, 'ScimDirectory', scimSchemas.ScimDirectory),
    syncStates: modelOn(connection, 'ScimSyncState', scimSchemas.ScimSyncState),
    leases: modelOn(connection, 'ScimLease', scimSchemas.ScimLease),
    links: modelOn(connection, 'ScimLink', scimSchemas.ScimLink),
  };
}
