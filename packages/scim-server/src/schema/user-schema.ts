import { attribute, multiValued, type ScimSchemaDefinition } from './attribute.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** RFC 7643 section 4.1, the core User. `password` is accepted and never stored nor returned. */
export const userSchema: ScimSchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute('userName', 'string', { required: true, uniqueness: 'server', description: 'Unique login' }),
    attribute('name', 'complex', {
      subAttributes: [
        attribute('formatted', 'string'),
        attribute('familyName', 'string'),
        attribute('givenName', 'string'),
        attribute('middleName', 'string'),
        attribute('honorificPrefix', 'string'),
        attribute('honorificSuffix', 'string'),
      ],
    }),
    attribute('displayName', 'string'),
    attribute('nickName', 'string'),
    attribute('profileUrl', 'reference', { referenceTypes: ['external'] }),
    attribute('title', 'string'),
    attribute('userType', 'string'),
    attribute('preferredLanguage', 'string'),
    attribute('locale', 'string'),
    attribute('timezone', 'string'),
    attribute('active', 'boolean'),
    attribute('password', 'string', { mutability: 'writeOnly', returned: 'never' }),
    multiValued('emails', 'Email addresses', attribute('value', 'string'), ['work', 'home', 'other']),
    multiValued('phoneNumbers', 'Phone numbers', attribute('value', 'string'), [
      'work',
      'home',
      'mobile',
      'fax',
      'pager',
      'other',
    ]),
    multiValued('ims', 'Instant messaging addresses', attribute('value', 'string'), undefined),
    multiValued('photos', 'Photos', attribute('value', 'reference', { referenceTypes: ['external'] }), [
      'photo',
      'thumbnail',
    ]),
    attribute('addresses', 'complex', {
      multiValued: true,
      subAttributes: [
        attribute('formatted', 'string'),
        attribute('streetAddress', 'string'),
        attribute('locality', 'string'),
        attribute('region', 'string'),
        attribute('postalCode', 'string'),
        attribute('country', 'string'),
        attribute('type', 'string', { canonicalValues: ['work', 'home', 'other'] }),
        attribute('primary', 'boolean'),
      ],
    }),
    attribute('groups', 'complex', {
      multiValued: true,
      mutability: 'readOnly',
      description: 'Groups the user belongs to, managed through /Groups',
      subAttributes: [
        attribute('value', 'string', { mutability: 'readOnly' }),
        attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['Group'] }),
        attribute('display', 'string', { mutability: 'readOnly' }),
        attribute('type', 'string', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    multiValued('entitlements', 'Entitlements', attribute('value', 'string'), undefined),
    multiValued('roles', 'Roles', attribute('value', 'string'), undefined),
    multiValued('x509Certificates', 'Certificates', attribute('value', 'binary'), undefined),
  ],
};
