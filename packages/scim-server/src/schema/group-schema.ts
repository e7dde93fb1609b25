import { attribute, type ScimSchemaDefinition } from './attribute.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The group schema URI some Entra ID tenants still send on POST (a pre-RFC Azure AD name). */
export const LEGACY_ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** RFC 7643 section 4.2. Members are users; nested groups are not supported. */
export const groupSchema: ScimSchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attribute('displayName', 'string', { required: true }),
    attribute('members', 'complex', {
      multiValued: true,
      subAttributes: [
        attribute('value', 'string', { mutability: 'immutable' }),
        attribute('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User'] }),
        attribute('display', 'string', { mutability: 'readOnly' }),
        attribute('type', 'string', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
    }),
  ],
};
