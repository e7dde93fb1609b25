import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors.js';
import { parseDirectoryEvent, parseDirectoryEventJson } from './parse.js';

const envelope = (type: string, data: unknown, extra: Record<string, unknown> = {}) => ({
  spec_version: '1',
  id: 'evt_123',
  type,
  occurred_at: '2024-03-10T12:34:56.123456789Z',
  environment_id: 'env_1',
  organization_id: 'org_1',
  object: 'DirectoryUser',
  data,
  ...extra,
});

const fullUser = {
  id: 'diruser_1',
  organization_id: 'org_1',
  dp_id: 'okta-1',
  email: 'ada@example.com',
  preferred_username: 'ada',
  name: 'Ada Lovelace',
  given_name: 'Ada',
  family_name: 'Lovelace',
  nickname: 'al',
  active: true,
  groups: [{ id: 'dirgroup_1', name: 'Engineering' }],
  roles: [{ role_name: 'admin' }],
  title: 'Engineer',
  department: 'R&D',
  employee_id: 'E1',
  custom_attributes: { shirt: 'M' },
  raw_attributes: { anything: [1, 2] },
  some_future_field: 'ignored',
};

function invalidMessage(input: unknown): string {
  try {
    parseDirectoryEvent(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).code).toBe('INVALID_PAYLOAD');
    return (error as ScimError).message;
  }
  throw new Error('expected the payload to be rejected');
}

describe('parseDirectoryEvent', () => {
  it('normalizes a user_created payload', () => {
    const event = parseDirectoryEvent(envelope('organization.directory.user_created', fullUser));
    expect(event.type).toBe('organization.directory.user_created');
    if (event.type !== 'organization.directory.user_created') return;
    expect(event.version).toBe(1710074096123456789n);
    expect(event.occurredAtRaw).toBe('2024-03-10T12:34:56.123456789Z');
    expect(event.occurredAt.toISOString()).toBe('2024-03-10T12:34:56.123Z');
    expect(event.environmentId).toBe('env_1');
    expect(event.data).toEqual({
      id: 'diruser_1',
      organizationId: 'org_1',
      externalId: 'okta-1',
      email: 'ada@example.com',
      emails: ['ada@example.com'],
      username: 'ada',
      displayName: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Lovelace',
      nickname: 'al',
      active: true,
      groups: [{ id: 'dirgroup_1', displayName: 'Engineering' }],
      roles: ['admin'],
      title: 'Engineer',
      department: 'R&D',
      employeeId: 'E1',
      customAttributes: { shirt: 'M' },
      rawAttributes: { anything: [1, 2] },
    });
    expect(event.raw.data).toMatchObject({ some_future_field: 'ignored' });
  });

  it('understands active given as "True"/"False" strings', () => {
    const on = parseDirectoryEvent(
      envelope('organization.directory.user_updated', { id: 'diruser_1', active: 'True' }),
    );
    const off = parseDirectoryEvent(
      envelope('organization.directory.user_updated', { id: 'diruser_1', active: 'False' }),
    );
    expect(on.type === 'organization.directory.user_updated' && on.data.active).toBe(true);
    expect(off.type === 'organization.directory.user_updated' && off.data.active).toBe(false);
    expect(
      invalidMessage(envelope('organization.directory.user_updated', { id: 'diruser_1', active: 'maybe' })),
    ).toMatch(/data\.active/);
  });

  it('leaves absent fields undefined and turns null groups into no groups', () => {
    const event = parseDirectoryEvent(
      envelope('organization.directory.user_updated', { id: 'diruser_1', groups: null }),
    );
    if (event.type !== 'organization.directory.user_updated') throw new Error('wrong type');
    expect(event.data.groups).toEqual([]);
    expect(event.data.email).toBeUndefined();
    expect(event.data.active).toBeUndefined();
    const without = parseDirectoryEvent(envelope('organization.directory.user_updated', { id: 'diruser_1' }));
    if (without.type !== 'organization.directory.user_updated') throw new Error('wrong type');
    expect(without.data.groups).toBeUndefined();
  });

  it('takes the organization from data when the envelope lacks it, and rejects a mismatch', () => {
    const event = parseDirectoryEvent(
      envelope(
        'organization.directory.user_deleted',
        { id: 'diruser_1', organization_id: 'org_2' },
        { organization_id: undefined },
      ),
    );
    expect(event.organizationId).toBe('org_2');
    expect(
      invalidMessage(envelope('organization.directory.user_deleted', { id: 'diruser_1', organization_id: 'org_2' })),
    ).toMatch(/does not match/);
  });

  it('parses group and directory events', () => {
    const group = parseDirectoryEvent(
      envelope('organization.directory.group_created', {
        id: 'dirgroup_1',
        directory_id: 'dir_1',
        organization_id: 'org_1',
        display_name: 'Engineering',
        external_id: null,
      }),
    );
    expect(group.type === 'organization.directory.group_created' && group.data).toEqual({
      id: 'dirgroup_1',
      organizationId: 'org_1',
      directoryId: 'dir_1',
      displayName: 'Engineering',
      externalId: null,
    });
    const enabled = parseDirectoryEvent(
      envelope('organization.directory_enabled', { id: 'dir_1', organization_id: 'org_1', enabled: false }),
    );
    expect(enabled.type === 'organization.directory_enabled' && enabled.data.enabled).toBe(true);
    const disabled = parseDirectoryEvent(
      envelope('organization.directory_disabled', { id: 'dir_1', organization_id: 'org_1', provider: 'OKTA' }),
    );
    expect(disabled.type === 'organization.directory_disabled' && disabled.data).toMatchObject({
      id: 'dir_1',
      enabled: false,
      provider: 'OKTA',
    });
  });

  it('turns unknown types into an unknown event that keeps the type and data', () => {
    const event = parseDirectoryEvent(envelope('organization.directory.something_new', { whatever: 1 }));
    expect(event.type).toBe('unknown');
    if (event.type !== 'unknown') return;
    expect(event.rawType).toBe('organization.directory.something_new');
    expect(event.data).toEqual({ whatever: 1 });
  });

  it('rejects payloads of the wrong shape with the path, never the value', () => {
    const cases: [unknown, RegExp][] = [
      [null, /JSON object/],
      [[1], /JSON object/],
      [envelope('organization.directory.user_created', 'x'), /data: must be a JSON object/],
      [envelope('organization.directory.user_created', { email: 'secret@x' }), /data\.id/],
      [envelope('organization.directory.user_created', { id: 5 }), /data\.id/],
      [envelope('organization.directory.user_created', { id: 'diruser_1', groups: 'x' }), /data\.groups/],
      [
        envelope('organization.directory.user_created', { id: 'diruser_1', groups: [{ name: 'x' }] }),
        /data\.groups\.0\.id/,
      ],
      [
        envelope('organization.directory.user_created', { id: 'diruser_1', custom_attributes: [] }),
        /custom_attributes/,
      ],
      [envelope('organization.directory.user_created', fullUser, { occurred_at: 'yesterday' }), /occurred_at/],
      [envelope('organization.directory.user_created', fullUser, { id: '' }), /event\.id/],
      [envelope('organization.directory.user_created', fullUser, { id: 'evt with space' }), /event\.id/],
      [{ ...envelope('organization.directory.user_created', fullUser), type: undefined }, /event\.type/],
      [
        envelope('organization.directory.user_created', { id: 'diruser_1' }, { organization_id: undefined }),
        /organization_id/,
      ],
    ];
    for (const [input, pattern] of cases) {
      const message = invalidMessage(input);
      expect(message).toMatch(pattern);
      expect(message).not.toContain('secret@x');
    }
  });
});

describe('parseDirectoryEventJson', () => {
  it('rejects malformed JSON without quoting it', () => {
    try {
      parseDirectoryEventJson('{"id":"evt_1", "token": "hunter2"');
      throw new Error('expected a rejection');
    } catch (error) {
      expect((error as ScimError).code).toBe('INVALID_PAYLOAD');
      expect((error as ScimError).message).toBe('Malformed JSON body');
      expect((error as ScimError).cause).toBeUndefined();
    }
  });

  it('keeps a __proto__ key as plain data', () => {
    const text = JSON.stringify(envelope('organization.directory.user_created', { id: 'diruser_1' })).replace(
      '"id":"diruser_1"',
      '"id":"diruser_1","custom_attributes":{"__proto__":{"polluted":true}}',
    );
    const event = parseDirectoryEventJson(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (event.type !== 'organization.directory.user_created') throw new Error('wrong type');
    expect(Object.getPrototypeOf(event.data.customAttributes)).toBe(Object.prototype);
  });
});
