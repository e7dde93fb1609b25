import type { SqlValue } from '../port.js';
import { arrayLiteral } from '../statement.js';
import type { StoreContext } from '../store/context.js';
import { wantedMemberships } from '../store/groups.js';

const column = (values: readonly string[]): SqlValue => arrayLiteral(values);

// The memberships of users whose version record this transaction has just created: there are none yet
// (memberships are only written under their user's version record, whose new row stays locked until
// commit), so they are inserted without the anti-join delete and without ON CONFLICT, which cost about a
// third of the statement. Nothing is inserted, and "clash" says so, if some are there after all (rows
// written by something else): the caller then replaces them the general way. The check probes the
// primary key once per user: planned as `user_id = any($2)`, it read the organization's every membership
// during a first sync.
const INSERT_NEW_MEMBERSHIPS =
  'WITH clash AS (SELECT EXISTS (SELECT 1 FROM unnest($2::text[]) AS u(id) CROSS JOIN LATERAL ' +
  '(SELECT 1 FROM scim_memberships m WHERE m.organization_id = $1::text AND m.user_id = u.id LIMIT 1) AS m) AS found), ' +
  'added AS (INSERT INTO scim_memberships (organization_id, user_id, group_id) ' +
  'SELECT $1::text, w.user_id, w.group_id FROM unnest($3::text[], $4::text[]) AS w(user_id, group_id) ' +
  'WHERE NOT (SELECT found FROM clash)) SELECT found AS clash FROM clash';

// Only memberships no longer wanted go (an anti-join on the wanted pairs), wanted ones are added if
// missing, in one statement: the two touch disjoint rows, and memberships that stay are not rewritten.
// The rows to delete are found by one primary-key probe per user (the lateral subquery, kept from being
// flattened into a join by OFFSET 0), then deleted by their row address: planned as `user_id = any($2)`,
// the delete could read the organization's every membership.
const REPLACE_MEMBERSHIPS =
  'WITH w AS (SELECT * FROM unnest($3::text[], $4::text[]) AS w(user_id, group_id)), ' +
  'gone AS (DELETE FROM scim_memberships WHERE ctid = any(array(SELECT s.ctid FROM unnest($2::text[]) AS u(id) ' +
  'CROSS JOIN LATERAL (SELECT ctid, group_id FROM scim_memberships ' +
  'WHERE organization_id = $1::text AND user_id = u.id OFFSET 0) AS s ' +
  'WHERE NOT EXISTS (SELECT 1 FROM w WHERE w.user_id = u.id AND w.group_id = s.group_id)))) ' +
  'INSERT INTO scim_memberships (organization_id, user_id, group_id) ' +
  'SELECT $1::text, w.user_id, w.group_id FROM w ON CONFLICT DO NOTHING';

const ADD_MEMBERSHIPS =
  'INSERT INTO scim_memberships (organization_id, user_id, group_id) SELECT $1::text, m.user_id, m.group_id ' +
  'FROM unnest($2::text[], $3::text[]) AS m(user_id, group_id) ON CONFLICT DO NOTHING';

const REMOVE_MEMBERSHIPS =
  'DELETE FROM scim_memberships AS m USING unnest($2::text[], $3::text[]) AS d(user_id, group_id) ' +
  'WHERE m.organization_id = $1::text AND m.user_id = d.user_id AND m.group_id = d.group_id';

interface Rows {
  users: string[];
  pairUsers: string[];
  pairGroups: string[];
}

export async function replaceMemberships(
  ctx: StoreContext,
  organizationId: string,
  entries: readonly { userId: string; groupIds: readonly string[] }[],
): Promise<void> {
  if (entries.length === 0) return;
  const added: Rows = { users: [], pairUsers: [], pairGroups: [] };
  const replaced: Rows = { users: [], pairUsers: [], pairGroups: [] };
  for (const { userId, groupIds } of wantedMemberships(entries)) {
    // Only the first write of a new user's memberships in this transaction can skip the checks.
    const rows = ctx.newUsers.delete(`${organizationId}\u0000${userId}`) ? added : replaced;
    rows.users.push(userId);
    for (const groupId of groupIds) {
      rows.pairUsers.push(userId);
      rows.pairGroups.push(groupId);
    }
  }
  // With users to replace anyway, one statement for all beats two (a webhook batch mixes both).
  if (added.users.length > 0 && replaced.users.length === 0) {
    const [answer] = await ctx.session.query(INSERT_NEW_MEMBERSHIPS, [
      organizationId,
      column(added.users),
      column(added.pairUsers),
      column(added.pairGroups),
    ]);
    if (answer?.clash === false) return;
  }
  for (const key of ['users', 'pairUsers', 'pairGroups'] as const) replaced[key].push(...added[key]);
  await ctx.session.execute(REPLACE_MEMBERSHIPS, [
    organizationId,
    column(replaced.users),
    column(replaced.pairUsers),
    column(replaced.pairGroups),
  ]);
}

export async function addMemberships(
  ctx: StoreContext,
  organizationId: string,
  memberships: readonly { userId: string; groupId: string }[],
): Promise<void> {
  if (memberships.length === 0) return;
  await ctx.session.execute(ADD_MEMBERSHIPS, [
    organizationId,
    column(memberships.map((m) => m.userId)),
    column(memberships.map((m) => m.groupId)),
  ]);
}

export async function removeMemberships(
  ctx: StoreContext,
  organizationId: string,
  memberships: readonly { userId: string; groupId: string }[],
): Promise<void> {
  if (memberships.length === 0) return;
  await ctx.session.execute(REMOVE_MEMBERSHIPS, [
    organizationId,
    column(memberships.map((m) => m.userId)),
    column(memberships.map((m) => m.groupId)),
  ]);
}
