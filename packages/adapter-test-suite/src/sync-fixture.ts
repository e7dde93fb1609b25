import type { ScimEngine, SyncOptions, SyncReport } from '@scim/core';
import { nanosToDate } from '@scim/core/adapter';
import { expect } from 'vitest';
import type { ConformanceContext, EngineOverrides } from './context.js';
import { expectEntity, expectUser, groupsOf } from './expect-state.js';
import { type MemoryDirectory, memoryDirectory } from './memory-directory.js';

const HOUR_NS = 3_600_000_000_000n;

/** Small pages and batches that straddle them, so that a few dozen users take several of each. */
export const SYNC_SETTINGS = { pageSize: 10, groupPageSize: 4, batchSize: 7, retryBaseMs: 1 } as const;

export interface SyncFixture {
  directory: MemoryDirectory;
  /** An engine over the test's adapter and `directory`, on the directory's clock. */
  engine(overrides?: EngineOverrides): ScimEngine;
  /** Moves the clock an hour on (past the watermark's skew), then syncs the test's organization. */
  sync(options?: Partial<SyncOptions>, engine?: ScimEngine): Promise<SyncReport>;
  /** Moves the shared clock an hour on. */
  later(): void;
  /** Puts users `prefix_0..n-1`, each in the groups `groupsOf(i)` names (put them first). */
  putUsers(prefix: string, count: number, groupsOf?: (i: number) => string[]): string[];
}

/**
 * A memory directory for the test's organization and engines that sync it. The engines read the
 * time from the directory's clock, so a sync starts after every change made before it.
 */
export function syncFixture(ctx: ConformanceContext): SyncFixture {
  const directory = memoryDirectory({ organizationId: ctx.organizationId, directoryId: ctx.events.directoryId });
  const engine = (overrides: EngineOverrides = {}) =>
    ctx.engine({
      scalekit: directory.client,
      now: () => nanosToDate(directory.now()),
      ...overrides,
      sync: { ...SYNC_SETTINGS, ...overrides.sync },
    });
  let defaultEngine: ScimEngine | undefined;
  const later = () => directory.advance(HOUR_NS);
  return {
    directory,
    engine,
    later,
    sync(options = {}, using) {
      later();
      defaultEngine ??= engine();
      return (using ?? defaultEngine).sync({ organizationId: ctx.organizationId, ...options });
    },
    putUsers(prefix, count, groupIds = () => []) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const id = `${prefix}_${String(i).padStart(3, '0')}`;
        directory.putUser(ctx.events.user(id, { groups: groupIds(i).map((g) => ({ id: g })) }));
        ids.push(id);
      }
      return ids;
    },
  };
}

/** The user as the directory lists it, in the app's table, with its version record and groups. */
export async function expectListedUser(
  ctx: ConformanceContext,
  id: string,
  groups: readonly string[],
  version?: bigint,
): Promise<void> {
  const local = id.replace(/[^a-z0-9]/gi, '').toLowerCase();
  await expectUser(ctx, id, {
    email: `${local}@example.com`,
    givenName: `Given ${local}`,
    familyName: 'Family',
    active: true,
  });
  await expectEntity(ctx, 'user', id, {
    deleted: false,
    active: true,
    eventId: null,
    ...(version === undefined ? {} : { version }),
  });
  expect(await groupsOf(ctx, id), `groups of ${id}`).toEqual([...groups].sort());
}

/** The report's user and group counts, the rest left out. */
export function counts(report: SyncReport) {
  return { users: report.users, groups: report.groups };
}
