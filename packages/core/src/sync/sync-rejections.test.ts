import { describe, expect, it } from 'vitest';
import { type MemoryTransaction, memoryAdapter } from '../adapter/memory-adapter.js';
import type { UserService } from '../apply/user-service.js';
import { createScimEngine } from '../create-engine.js';
import { UserRejection } from '../errors.js';
import { silentLogger } from '../logger.js';
import type { ApiDirectoryUser, DirectoryApiClient } from './types.js';

const ORG = 'org_rejections';

function directory(users: ApiDirectoryUser[]): DirectoryApiClient {
  return {
    directory: {
      listDirectories: async () => ({ directories: [{ id: 'dir_1', organizationId: ORG, enabled: true }] }),
      listDirectoryUsers: async () => ({ users, totalSize: users.length, nextPageToken: '' }),
      listDirectoryGroups: async () => ({ groups: [], totalSize: 0, nextPageToken: '' }),
    },
  };
}

const listed = (i: number, email: string): ApiDirectoryUser => ({
  id: `diruser_${i}`,
  email,
  preferredUsername: '',
  givenName: `U${i}`,
  familyName: 'Test',
  updatedAt: { seconds: 1_700_000_000n + BigInt(i), nanos: 0 },
  emails: email === '' ? [] : [email],
  groups: [],
});

describe('a sync with users the app refuses', () => {
  it('writes the others, reports the refused with their reasons, and writes them once the app takes them', async () => {
    const created = new Map<string, string>();
    let strict = true;
    // The app's "table" writes through the SDK's transaction: a rolled-back batch undoes them.
    let next = 0;
    const users: UserService<MemoryTransaction> = {
      create: async (user, ctx) => {
        if (strict && !user.email) throw new UserRejection('a user needs an email address');
        const id = `app_${++next}`;
        created.set(id, user.id);
        ctx.tx.onRollback(() => created.delete(id));
        return id;
      },
      update: async () => {},
      deactivate: async () => {},
    };
    const people = [listed(1, 'a@example.com'), listed(2, ''), listed(3, 'c@example.com'), listed(4, '')];
    const engine = createScimEngine({
      adapter: memoryAdapter({ userTable: false }),
      users,
      scalekit: directory(people),
      logger: silentLogger,
      sync: { batchSize: 10 },
    });

    const first = await engine.sync({ organizationId: ORG });

    expect(first.users).toMatchObject({ created: 2, rejected: 2 });
    expect(first.rejected.map((r) => r.userId).sort()).toEqual(['diruser_2', 'diruser_4']);
    expect(first.rejected[0]!.reason).toContain('USER_REJECTED');
    expect([...created.values()].sort()).toEqual(['diruser_1', 'diruser_3']);

    strict = false;
    const second = await engine.sync({ organizationId: ORG });

    expect(second.users).toMatchObject({ created: 2, rejected: 0, unchanged: 2 });
    expect([...created.values()].sort()).toEqual(['diruser_1', 'diruser_2', 'diruser_3', 'diruser_4']);
  });
});
