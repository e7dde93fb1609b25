import { describe, expect, it } from 'vitest';
import { apiUserToDirectoryUser, apiVersion } from './source.js';

const apiUser = {
  id: 'diruser_1',
  email: 'ada@example.com',
  preferredUsername: 'ada',
  givenName: 'Ada',
  familyName: '',
  emails: [],
  groups: [{ id: 'dirgroup_1', displayName: 'Engineering' }],
};

describe('apiUserToDirectoryUser', () => {
  it('maps the API answer, treating empty protobuf strings as absent', () => {
    const user = apiUserToDirectoryUser(apiUser, 'org_1');
    expect(user).toMatchObject({
      id: 'diruser_1',
      organizationId: 'org_1',
      email: 'ada@example.com',
      emails: ['ada@example.com'],
      username: 'ada',
      givenName: 'Ada',
      active: true,
      groups: [{ id: 'dirgroup_1', displayName: 'Engineering' }],
    });
    expect(user.familyName).toBeUndefined();
  });

  it('fills the fields the answer lacks from userDetail, and lets the answer win', () => {
    const user = apiUserToDirectoryUser(
      {
        ...apiUser,
        userDetail: {
          email: 'other@example.com',
          department: 'R&D',
          title: 'Engineer',
          name: 'Ada L',
          active: 'False',
        },
      },
      'org_1',
    );
    expect(user).toMatchObject({
      email: 'ada@example.com',
      department: 'R&D',
      title: 'Engineer',
      displayName: 'Ada L',
    });
    expect(user.active).toBe(false);
  });

  it('ignores a userDetail of the wrong shape', () => {
    const user = apiUserToDirectoryUser({ ...apiUser, userDetail: { groups: 'x', active: 3 } }, 'org_1');
    expect(user.active).toBe(true);
    expect(user.department).toBeUndefined();
  });
});

describe('apiVersion', () => {
  it('reads a protobuf Timestamp in nanoseconds, with a fallback when absent', () => {
    expect(apiVersion({ seconds: 2n, nanos: 5 }, 0n)).toBe(2_000_000_005n);
    expect(apiVersion(undefined, 42n)).toBe(42n);
  });
});
