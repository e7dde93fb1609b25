import type { EntityKind } from '@scim/core';
import type { EntityAdvance } from '@scim/core/adapter';
import { expect } from 'vitest';
import type { ConformanceTest } from '../define-suite.js';

const V = 1_750_000_000_000_000_000n;

function advance(id: string, version: bigint, extra: Partial<EntityAdvance> = {}): EntityAdvance {
  return {
    id,
    version,
    deleted: false,
    active: true,
    fingerprint: null,
    directoryRoles: null,
    eventId: null,
    ...extra,
  };
}

/** Store tests of keys and order: kinds that share ids, listings long enough to need an ORDER BY. */
export const storeKeyTests = {
  'getEntities reads one kind: a user, a group and a directory with the same id stay apart': async (ctx) => {
    const org = ctx.organizationId;
    const kinds: EntityKind[] = ['user', 'group', 'directory'];
    for (const [i, kind] of kinds.entries()) {
      await ctx.adapter.advanceEntities(org, kind, [
        advance('dirshared_1', V + BigInt(i), { fingerprint: `fp-${kind}`, active: kind !== 'directory' }),
      ]);
    }
    await ctx.adapter.advanceEntities(org, 'user', [advance('dirshared_user', V)]);

    for (const [i, kind] of kinds.entries()) {
      const found = await ctx.adapter.getEntities(org, kind, ['dirshared_user', 'dirshared_1']);
      const expected: unknown[] = [{ id: 'dirshared_1', kind, version: V + BigInt(i), fingerprint: `fp-${kind}` }];
      if (kind === 'user') expected.push({ id: 'dirshared_user', kind, version: V, fingerprint: null });
      const seen = found
        .map(({ id, kind, version, fingerprint }) => ({ id, kind, version, fingerprint }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(seen, `getEntities of kind ${kind}`).toEqual(expected);
    }
  },

  'listEntities pages hundreds of records inserted out of id order, in id order': async (ctx) => {
    const org = ctx.organizationId;
    const count = 300;
    const ids = Array.from({ length: count }, (_, i) => `diruser_${String(i).padStart(3, '0')}`);
    // 113 is prime to 300: every id once, in an order far from sorted, in calls of 25.
    const shuffled = ids.map((_, i) => ids[(i * 113) % count]!);
    for (let i = 0; i < count; i += 25) {
      await ctx.adapter.advanceEntities(
        org,
        'user',
        shuffled.slice(i, i + 25).map((id) => advance(id, V)),
      );
    }
    await ctx.adapter.advanceEntities(org, 'group', [advance('diruser_1005', V), advance('diruser_0995', V)]);
    await ctx.adapter.advanceEntities(ctx.organization().organizationId, 'user', [advance('diruser_1505', V)]);

    const pages: string[][] = [];
    let after: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await ctx.adapter.listEntities(
        org,
        'user',
        after === undefined ? { limit: 37 } : { after, limit: 37 },
      );
      if (page.length === 0) break;
      pages.push(page.map((e) => e.id));
      after = page[page.length - 1]!.id;
    }

    expect(pages.map((p) => p.length)).toEqual([37, 37, 37, 37, 37, 37, 37, 37, 4]);
    expect(pages.flat()).toEqual(ids);
  },
} satisfies Record<string, ConformanceTest>;
