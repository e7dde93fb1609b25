import { attribute, type ScimSchemaDefinition } from './attribute.js';

export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** RFC 7643 section 4.3, the enterprise User extension. */
export const enterpriseUserSchema: ScimSchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'string'),
    attribute('costCenter', 'string'),
    attribute('organization', 'string'),
    attribute('division', 'string'),
    attribute('department', 'string'),
    attribute('manager', 'complex', {
      subAttributes: [
        attribute('value', 'string'),
        attribute('$ref', 'reference', { referenceTypes: ['User'] }),
        attribute('displayName', 'string', { mutability: 'readOnly' }),
      ],
    }),
  ],
};
