import type { ResourceSchemas } from '../schema/registry.js';
import type { ScimGroupRef, ScimMemberRef, StoredScimResource } from '../store/port.js';
import { etagOf } from './version.js';

export type Json = Record<string, unknown>;

export type LocationOf = (endpoint: string, id: string) => string;

export interface Related {
  members?: ScimMemberRef[];
  groups?: ScimGroupRef[];
}

/** The schemas a resource carries: its core schema and the extensions it has values for. */
export function schemasOf(attributes: Json, schemas: ResourceSchemas): string[] {
  return [
    schemas.core.id,
    ...schemas.extensions.filter((e) => attributes[e.schema.id] !== undefined).map((e) => e.schema.id),
  ];
}

/** The resource as the identity provider sees it, before `attributes` / `excludedAttributes`. */
export function represent(
  stored: StoredScimResource,
  schemas: ResourceSchemas,
  locationOf: LocationOf,
  related: Related,
) {
  const { externalId, ...attributes } = stored.attributes;
  const resource: Json = { schemas: schemasOf(stored.attributes, schemas), id: stored.id };
  if (externalId !== undefined) resource.externalId = externalId;
  Object.assign(resource, attributes);
  if (related.members !== undefined) {
    resource.members = related.members.map((member) => ({
      value: member.value,
      ...(member.display ? { display: member.display } : {}),
      $ref: locationOf('/Users', member.value),
      type: 'User',
    }));
  }
  if (related.groups !== undefined && related.groups.length > 0) {
    resource.groups = related.groups.map((group) => ({
      value: group.value,
      ...(group.display ? { display: group.display } : {}),
      $ref: locationOf('/Groups', group.value),
      type: 'direct',
    }));
  }
  resource.meta = {
    resourceType: schemas.resourceType,
    created: stored.created.toISOString(),
    lastModified: stored.lastModified.toISOString(),
    location: locationOf(schemas.endpoint, stored.id),
    version: etagOf(stored.version),
  };
  return resource;
}
