import type { DirectoryGroupRef, GroupWrite, Membership, StoredGroup } from '@scim/core/adapter';
import type { SqlRow } from '../port.js';
import { text, textOrNull } from '../values.js';
import { chunks, firstOfEachId, lastOfEach, rounds, type StoreContext, unique } from './context.js';

const GROUP_FIELDS = [
  ['directoryId', 'directory_id'],
  ['displayName', 'display_name'],
  ['externalId', 'external_id'],
] as const;

export function storedGroup(row: SqlRow): StoredGroup {
  return {
    organizationId: text(row.organization_id),
    id: text(row.id),
    directoryId: textOrNull(row.directory_id),
    displayName: textOrNull(row.display_name),
    externalId: textOrNull(row.external_id),
  };
}

/** Groups by the fields they give (an undefined field keeps its stored value): one statement per shape. */
export async function upsertGroups(
  ctx: StoreContext,
  organizationId: string,
  groups: readonly GroupWrite[],
): Promise<void> {
  for (const round of rounds(groups, (g) => g.id)) {
    const shapes = new Map<string, GroupWrite[]>();
    for (const group of round) {
      const signature = GROUP_FIELDS.map(([field]) => (group[field] === undefined ? '0' : '1')).join('');
      const shape = shapes.get(signature);
      if (shape === undefined) shapes.set(signature, [group]);
      else shape.push(group);
    }
    for (const shape of shapes.values()) {
      const fields = GROUP_FIELDS.filter(([field]) => shape[0]![field] !== undefined);
      const columns = ['organization_id', 'id', ...fields.map(([, column]) => column)];
      for (const part of chunks(shape, columns.length)) {
        const s = ctx.statement();
        const values = part.map(
          (g) => `(${[s.p(organizationId), s.p(g.id), ...fields.map(([field]) => s.p(g[field] ?? null))].join(', ')})`,
        );
        const keys = ['organization_id', 'id'];
        const tail =
          fields.length === 0
            ? ctx.dialect.skipExisting(keys)
            : ctx.dialect.upsert(
                keys,
                fields.map(([, column]) => column),
              );
        await ctx.run(s, `INSERT INTO scim_groups (${columns.join(', ')}) VALUES ${values.join(', ')} ${tail}`);
      }
    }
  }
}

export async function ensureGroups(
  ctx: StoreContext,
  organizationId: string,
  groups: readonly DirectoryGroupRef[],
): Promise<void> {
  for (const part of chunks(firstOfEachId(groups), 3)) {
    const s = ctx.statement();
    const values = part.map((g) => `(${s.p(organizationId)}, ${s.p(g.id)}, ${s.p(g.displayName ?? null)})`);
    await ctx.run(
      s,
      `INSERT INTO scim_groups (organization_id, id, display_name) VALUES ${values.join(', ')} ` +
        ctx.dialect.skipExisting(['organization_id', 'id']),
    );
  }
}

/**
 * Deletes groups and, through the schema's foreign key, their memberships. SQLite enforces foreign keys
 * only on connections that turned `foreign_keys` on: there the memberships go first, explicitly.
 */
export async function deleteGroups(ctx: StoreContext, organizationId: string, ids: readonly string[]): Promise<void> {
  const tables =
    ctx.dialect.name === 'sqlite' ? (['scim_memberships', 'scim_groups'] as const) : (['scim_groups'] as const);
  for (const part of chunks(unique(ids), 1)) {
    for (const table of tables) {
      const s = ctx.statement();
      const column = table === 'scim_groups' ? 'id' : 'group_id';
      await ctx.run(s, `DELETE FROM ${table} WHERE organization_id = ${s.p(organizationId)} AND ${s.in(column, part)}`);
    }
  }
}

export async function getGroups(
  ctx: StoreContext,
  organizationId: string,
  ids: readonly string[],
): Promise<StoredGroup[]> {
  const out: StoredGroup[] = [];
  for (const part of chunks(unique(ids), 1)) {
    const s = ctx.statement();
    const rows = await ctx.rows(
      s,
      'SELECT organization_id, id, directory_id, display_name, external_id FROM scim_groups ' +
        `WHERE organization_id = ${s.p(organizationId)} AND ${s.in('id', part)}`,
    );
    for (const row of rows) out.push(storedGroup(row));
  }
  return out;
}

/** Wanted memberships: each user once (its last entry), each of its groups once. */
export function wantedMemberships(
  entries: readonly { userId: string; groupIds: readonly string[] }[],
): { userId: string; groupIds: string[] }[] {
  return lastOfEach(entries, (e) => e.userId).map((e) => ({ userId: e.userId, groupIds: unique(e.groupIds) }));
}

/**
 * MySQL and SQLite: per part of the users, the memberships no longer wanted go (memberships that stay are
 * not rewritten), then the missing ones are added.
 */
export async function replaceMemberships(
  ctx: StoreContext,
  organizationId: string,
  entries: readonly { userId: string; groupIds: readonly string[] }[],
): Promise<void> {
  const wanted = wantedMemberships(entries);
  // A part's users and pairs bind together: about 1 + 2 parameters a group.
  const parts: (typeof wanted)[] = [[]];
  let size = 0;
  for (const entry of wanted) {
    const cost = 1 + 4 * entry.groupIds.length;
    if (size + cost > 30_000 && parts[parts.length - 1]!.length > 0) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1]!.push(entry);
    size += cost;
  }
  for (const part of parts) {
    if (part.length === 0) continue;
    const pairs = part.flatMap((e) => e.groupIds.map((groupId) => [e.userId, groupId] as const));
    // Placeholders are positional (MySQL, SQLite): the parameters are bound in the order of the text.
    const s = ctx.statement();
    const where = `organization_id = ${s.p(organizationId)} AND ${s.in(
      'user_id',
      part.map((e) => e.userId),
    )}`;
    const keep =
      pairs.length === 0
        ? ''
        : ` AND (user_id, group_id) NOT IN (${pairs.map(([u, g]) => `(${s.p(u)}, ${s.p(g)})`).join(', ')})`;
    await ctx.run(s, `DELETE FROM scim_memberships WHERE ${where}${keep}`);
    await insertMemberships(ctx, organizationId, pairs);
  }
}

/** Inserts memberships, skipping those already there. */
export async function insertMemberships(
  ctx: StoreContext,
  organizationId: string,
  pairs: readonly (readonly [userId: string, groupId: string])[],
): Promise<void> {
  for (const part of chunks(pairs, 3)) {
    const s = ctx.statement();
    const values = part.map(([userId, groupId]) => `(${s.p(organizationId)}, ${s.p(userId)}, ${s.p(groupId)})`);
    await ctx.run(
      s,
      `INSERT INTO scim_memberships (organization_id, user_id, group_id) VALUES ${values.join(', ')} ` +
        ctx.dialect.skipExisting(['organization_id', 'user_id', 'group_id']),
    );
  }
}

/** PostgreSQL and SQLite: DELETE ... RETURNING. */
export async function removeGroupMemberships(
  ctx: StoreContext,
  organizationId: string,
  groupIds: readonly string[],
): Promise<Membership[]> {
  const removed: Membership[] = [];
  for (const part of chunks(unique(groupIds), 1)) {
    const s = ctx.statement();
    const rows = await ctx.rows(
      s,
      `DELETE FROM scim_memberships WHERE organization_id = ${s.p(organizationId)} AND ${s.in('group_id', part)} ` +
        'RETURNING user_id, group_id',
    );
    for (const row of rows) removed.push({ organizationId, userId: text(row.user_id), groupId: text(row.group_id) });
  }
  return removed;
}

export async function listMemberships(
  ctx: StoreContext,
  organizationId: string,
  filter: { userIds: readonly string[] } | { groupIds: readonly string[] },
): Promise<Membership[]> {
  const [column, ids] = 'userIds' in filter ? ['user_id', filter.userIds] : ['group_id', filter.groupIds];
  const out: Membership[] = [];
  for (const part of chunks(unique(ids), 1)) {
    const s = ctx.statement();
    const rows = await ctx.rows(
      s,
      `SELECT user_id, group_id FROM scim_memberships WHERE organization_id = ${s.p(organizationId)} ` +
        `AND ${s.in(column, part)}`,
    );
    for (const row of rows) out.push({ organizationId, userId: text(row.user_id), groupId: text(row.group_id) });
  }
  return out;
}
