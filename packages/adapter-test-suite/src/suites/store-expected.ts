import type { EntityAdvance } from '@scim/core/adapter';
import { expect } from 'vitest';
import type { ConformanceTest } from '../define-suite.js';
import { expectEntity } from '../expect-state.js';

const V = 1_750_000_000_000_000_000n;

function advance(
  id: string,
  version: bigint,
  eventId: string | null,
  expected: bigint | null | undefined,
  extra: Partial<EntityAdvance> = {},
): EntityAdvance {
  const item: EntityAdvance = {
    id,
    version,
    deleted: false,
    active: true,
    fingerprint: null,
    directoryRoles: null,
    eventId,
    ...extra,
  };
  if (expected !== undefined) item.expected = expected;
  return item;
}

function sorted(ids: readonly string[]): string[] {
  return [...ids].sort();
}

/**
 * `advanceEntities`' compare-and-set (`expected`): an item is written only where the stored version is
 * the expected one (`null`: no record), and the version rule holds too; absent, the version rule alone.
 */
export const storeExpectedTests = {
  'advanceEntities with expected: written only where the stored version is the expected one': async (ctx) => {
    const org = ctx.organizationId;
    const s = ctx.adapter;
    await s.advanceEntities(org, 'user', [advance('diruser_1', V + 5n, 'evt_a', undefined, { fingerprint: 'a' })]);

    // The expected version: written.
    expect(
      await s.advanceEntities(org, 'user', [advance('diruser_1', V + 6n, 'evt_b', V + 5n, { fingerprint: 'b' })]),
    ).toEqual(['diruser_1']);
    await expectEntity(ctx, 'user', 'diruser_1', { version: V + 6n, eventId: 'evt_b' });

    // The version read before that write: refused, though the item is newer.
    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 7n, 'evt_c', V + 5n)])).toEqual([]);
    // No record expected, and there is one: refused.
    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 8n, 'evt_d', null)])).toEqual([]);
    // The expected version, but the version rule refuses: an older item, an equal one of another event or none.
    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 4n, 'evt_e', V + 6n)])).toEqual([]);
    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 6n, 'evt_f', V + 6n)])).toEqual([]);
    expect(await s.advanceEntities(org, 'user', [advance('diruser_1', V + 6n, null, V + 6n)])).toEqual([]);
    const kept = await ctx.backdoor.readEntity(org, 'user', 'diruser_1');
    expect(kept).toMatchObject({ version: V + 6n, eventId: 'evt_b', fingerprint: 'b', deleted: false });

    // The same event again at the expected version (its retry): the version rule lets it through.
    expect(
      await s.advanceEntities(org, 'user', [
        advance('diruser_1', V + 6n, 'evt_b', V + 6n, { deleted: true, active: false, fingerprint: 'b2' }),
      ]),
    ).toEqual(['diruser_1']);
    await expectEntity(ctx, 'user', 'diruser_1', { version: V + 6n, deleted: true, active: false });

    // No record expected and none there: inserted, with every field.
    expect(
      await s.advanceEntities(org, 'user', [
        advance('diruser_new', V + 1n, 'evt_g', null, { fingerprint: 'n', directoryRoles: ['admin'], active: false }),
      ]),
    ).toEqual(['diruser_new']);
    expect(await ctx.backdoor.readEntity(org, 'user', 'diruser_new')).toMatchObject({
      version: V + 1n,
      eventId: 'evt_g',
      fingerprint: 'n',
      directoryRoles: ['admin'],
      active: false,
      deleted: false,
    });
    // A version expected where there is no record: refused, and nothing is created.
    expect(await s.advanceEntities(org, 'user', [advance('diruser_none', V + 1n, 'evt_h', V)])).toEqual([]);
    expect(await ctx.backdoor.readEntity(org, 'user', 'diruser_none')).toBeNull();
  },

  'advanceEntities with expected: one call mixing every kind of item resolves exactly the written ids': async (ctx) => {
    const org = ctx.organizationId;
    const s = ctx.adapter;
    await s.advanceEntities(org, 'group', [
      advance('g_match', V + 1n, 'evt_1', undefined),
      advance('g_moved', V + 3n, 'evt_1', undefined),
      advance('g_taken', V + 1n, 'evt_1', undefined),
      advance('g_plain', V + 1n, 'evt_1', undefined),
    ]);

    const written = await s.advanceEntities(org, 'group', [
      advance('g_match', V + 5n, 'evt_2', V + 1n, { deleted: true, active: false }),
      advance('g_moved', V + 5n, 'evt_2', V + 1n),
      advance('g_taken', V + 5n, 'evt_2', null),
      advance('g_fresh', V + 5n, 'evt_2', null),
      advance('g_absent', V + 5n, 'evt_2', V + 1n),
      advance('g_plain', V + 5n, 'evt_2', undefined),
    ]);

    expect(sorted(written)).toEqual(['g_fresh', 'g_match', 'g_plain']);
    await expectEntity(ctx, 'group', 'g_match', { version: V + 5n, deleted: true });
    await expectEntity(ctx, 'group', 'g_moved', { version: V + 3n });
    await expectEntity(ctx, 'group', 'g_taken', { version: V + 1n });
    await expectEntity(ctx, 'group', 'g_fresh', { version: V + 5n });
    await expectEntity(ctx, 'group', 'g_plain', { version: V + 5n });
    expect(await ctx.backdoor.readEntity(org, 'group', 'g_absent')).toBeNull();
    // Another kind or organization's record of the same id is no record of this one.
    expect(await s.advanceEntities(org, 'user', [advance('g_match', V + 1n, 'evt_3', null)])).toEqual(['g_match']);
    const other = ctx.organization().organizationId;
    expect(await s.advanceEntities(other, 'group', [advance('g_match', V + 1n, 'evt_3', null)])).toEqual(['g_match']);
  },

  'repeated ids: advanceEntities checks each expected version against the record as the earlier items left it': async (
    ctx,
  ) => {
    const org = ctx.organizationId;
    const s = ctx.adapter;
    await s.advanceEntities(org, 'user', [advance('diruser_stored', V + 1n, 'evt_0', undefined)]);

    const written = await s.advanceEntities(org, 'user', [
      // Inserted by the first item, then advanced by the second, which expects what the first wrote.
      advance('diruser_new', V + 1n, 'evt_1', null, { fingerprint: 'first' }),
      advance('diruser_new', V + 2n, 'evt_2', V + 1n, { fingerprint: 'second' }),
      // Expects the record the first item replaced: refused.
      advance('diruser_new', V + 3n, 'evt_3', V + 1n, { fingerprint: 'third' }),
      // The first item moves the record on; the second expected the old one.
      advance('diruser_stored', V + 2n, 'evt_4', V + 1n, { fingerprint: 'moved' }),
      advance('diruser_stored', V + 3n, 'evt_5', V + 1n, { fingerprint: 'stale' }),
      // A second insert of one id: there is a record by then.
      advance('diruser_twice', V + 1n, 'evt_6', null, { fingerprint: 'one' }),
      advance('diruser_twice', V + 2n, 'evt_7', null, { fingerprint: 'two' }),
    ]);

    expect(sorted(written)).toEqual(['diruser_new', 'diruser_stored', 'diruser_twice']);
    expect(await ctx.backdoor.readEntity(org, 'user', 'diruser_new')).toMatchObject({
      version: V + 2n,
      fingerprint: 'second',
    });
    expect(await ctx.backdoor.readEntity(org, 'user', 'diruser_stored')).toMatchObject({
      version: V + 2n,
      fingerprint: 'moved',
    });
    expect(await ctx.backdoor.readEntity(org, 'user', 'diruser_twice')).toMatchObject({
      version: V + 1n,
      fingerprint: 'one',
    });
  },
} satisfies Record<string, ConformanceTest>;
