import { attribute, type ScimAttributeDefinition } from './attribute.js';

/**
 * RFC 7643 section 3.1: attributes of every resource that belong to no schema. `externalId` is set by the
 * identity provider and compared case-exactly; `id` and `meta` belong to the server.
 */
export const commonAttributes: ScimAttributeDefinition[] = [
  attribute('id', 'string', { mutability: 'readOnly', returned: 'always', caseExact: true, uniqueness: 'server' }),
  attribute('externalId', 'string', { caseExact: true }),
  attribute('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: [
      attribute('resourceType', 'string', { mutability: 'readOnly', caseExact: true }),
      attribute('created', 'dateTime', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', { mutability: 'readOnly' }),
      attribute('location', 'reference', { mutability: 'readOnly', caseExact: true }),
      attribute('version', 'string', { mutability: 'readOnly', caseExact: true }),
    ],
  }),
];
