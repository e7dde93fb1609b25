import { describe, expect, test } from 'vitest';
import { isConflict } from '../adapter/conflict-retry.js';
import { memoryAdapter } from '../adapter/memory-adapter.js';
import type { EntityAdvance } from '../adapter/records.js';
import { advancePlanned } from './group-writer.js';

const V = 1_750_000_000_000_000_000n;
const ORG = 'org_1';

function advance(id: string, version: bigint, eventId = `evt_${version}`): EntityAdvance {
  return { id, version, deleted: false, active: true, fingerprint: `fp_${version}`, directoryRoles: null, eventId };
}

/** A store whose `diruser_1` is at `V + 2` (another writer committed it after the plan read `V + 1`). */
async function movedOn() {
  const store = memoryAdapter();
  await store.advanceEntities(ORG, 'user', [advance('diruser_1', V + 2n)]);
  return store;
}

describe('advancePlanned', () => {
  test('with transactions, each advance is a compare-and-set on the version its plan read', async () => {
    const store = memoryAdapter();
    await store.advanceEntities(ORG, 'user', [advance('diruser_1', V + 1n)]);
    const steps = [
      { advance: advance('diruser_1', V + 5n), read: V + 1n },
      { advance: advance('diruser_2', V + 5n), read: null },
      { advance: null, read: null },
    ];

    const written = await advancePlanned(store, ORG, 'user', steps, 100, true);

    expect([...written].sort()).toEqual(['diruser_1', 'diruser_2']);
    expect(steps.map((s) => s.advance?.expected)).toEqual([V + 1n, null, undefined]);
  });

  test('a record written since the read, older than the change: a conflict, nothing of it kept', async () => {
    const store = await movedOn();
    const error = await advancePlanned(
      store,
      ORG,
      'user',
      [{ advance: advance('diruser_1', V + 5n), read: V + 1n }],
      100,
      true,
    ).catch((e: unknown) => e);

    expect(isConflict(error)).toBe(true);
    expect((await store.getEntities(ORG, 'user', ['diruser_1']))[0]?.version).toBe(V + 2n);
  });

  test('a record written since a read that found none: a conflict (the plan took the user for new)', async () => {
    const store = await movedOn();
    const error = await advancePlanned(
      store,
      ORG,
      'user',
      [{ advance: advance('diruser_1', V + 5n), read: null }],
      100,
      true,
    ).catch((e: unknown) => e);

    expect(isConflict(error)).toBe(true);
  });

  test('a record written since the read that makes the change stale: not written, no conflict', async () => {
    const store = await movedOn();

    const written = await advancePlanned(
      store,
      ORG,
      'user',
      [
        { advance: advance('diruser_1', V + 2n, 'evt_other'), read: V + 1n },
        { advance: advance('diruser_3', V + 1n), read: null },
      ],
      100,
      true,
    );

    expect([...written]).toEqual(['diruser_3']);
    expect((await store.getEntities(ORG, 'user', ['diruser_1']))[0]?.eventId).toBe(`evt_${V + 2n}`);
  });

  test('without transactions: the version rule alone, as before', async () => {
    const store = await movedOn();
    const steps = [{ advance: advance('diruser_1', V + 5n), read: V + 1n }];

    const written = await advancePlanned(store, ORG, 'user', steps, 100, false);

    expect([...written]).toEqual(['diruser_1']);
    expect(steps[0]!.advance.expected).toBeUndefined();
  });
});
