import type { LocationOf } from '../resources/representation.js';
import type { ResourceSchemas, SchemaRegistry } from './registry.js';

const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

export interface DiscoveryLimits {
  maxPageSize: number;
  maxBodyBytes: number;
}

/** RFC 7643 section 5: what this server supports. */
export function serviceProviderConfig(locationOf: LocationOf, limits: DiscoveryLimits) {
  return {
    schemas: [CONFIG_SCHEMA],
    documentationUri: 'https://www.rfc-editor.org/rfc/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: limits.maxPageSize },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "A bearer token issued for one organization's SCIM base URL",
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: locationOf('/ServiceProviderConfig', '') },
  };
}

export function schemaResources(registry: SchemaRegistry, locationOf: LocationOf) {
  return registry.all().map((schema) => ({
    schemas: [SCHEMA_SCHEMA],
    ...schema,
    meta: { resourceType: 'Schema', location: locationOf('/Schemas', schema.id) },
  }));
}

function resourceType(schemas: ResourceSchemas, locationOf: LocationOf) {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: schemas.resourceType,
    name: schemas.resourceType,
    endpoint: schemas.endpoint,
    description: schemas.resourceType === 'User' ? 'User Account' : 'Group',
    schema: schemas.core.id,
    schemaExtensions: schemas.extensions.map((extension) => ({
      schema: extension.schema.id,
      required: extension.required,
    })),
    meta: { resourceType: 'ResourceType', location: locationOf('/ResourceTypes', schemas.resourceType) },
  };
}

export function resourceTypeResources(registry: SchemaRegistry, locationOf: LocationOf) {
  return [resourceType(registry.user, locationOf), resourceType(registry.group, locationOf)];
}
