/**
 * Reads the database after a round and compares it with the end state the timeline leaves: for our targets the
 * inbox, the versions, the app's users, the groups and the memberships must all match; for the naive handler only
 * the app's users exist, and the count of wrong rows says what skipping the inbox and the versions cost.
 */
import type pg from 'pg';
import type { IngestPlan } from './events.js';

export interface UserCheck {
  expected: number;
  missing: number;
  /** Rows whose email or active flag is not the one the newest event gave. */
  wrong: number;
  /** Deleted users with no row: their deletion arrived first, and the tombstone kept the late creation out. */
  deletedWithoutRow: number;
}

export interface FullCheck extends UserCheck {
  ok: boolean;
  inboxRows: number;
  distinctEvents: number;
  pendingEvents: number;
  wrongVersions: number;
  wrongGroups: number;
  wrongMemberships: number;
}

export async function checkUsers(pool: pg.Pool, plan: IngestPlan): Promise<UserCheck> {
  const { rows } = await pool.query<{ o: string; u: string; email: string | null; active: boolean }>(
    'select scim_organization_id o, scim_user_id u, email, is_active active from app_users',
  );
  const stored = new Map(rows.map((r) => [`${r.o}/${r.u}`, r]));
  let missing = 0;
  let wrong = 0;
  let deletedWithoutRow = 0;
  for (const [key, user] of plan.users) {
    const row = stored.get(key);
    if (row === undefined) {
      if (user.deleted) deletedWithoutRow++;
      else missing++;
    } else if (row.email !== user.email || row.active !== user.active) wrong++;
  }
  return {
    expected: plan.users.size,
    missing,
    wrong: wrong + Math.max(0, rows.length - plan.users.size),
    deletedWithoutRow,
  };
}

export async function checkAll(pool: pg.Pool, plan: IngestPlan): Promise<FullCheck> {
  const users = await checkUsers(pool, plan);
  const inbox = (
    await pool.query<{ rows: number; pending: number }>(
      `select count(*)::int as rows, count(*) filter (where status = 'pending')::int as pending from scim_events`,
    )
  ).rows[0]!;

  const versions = await pool.query<{ o: string; id: string; version: string }>(
    `select organization_id o, id, version::text from scim_entities where kind = 'user'`,
  );
  const stored = new Map(versions.rows.map((r) => [`${r.o}/${r.id}`, BigInt(r.version)]));
  let wrongVersions = Math.abs(versions.rows.length - plan.users.size);
  for (const [key, user] of plan.users) if (stored.get(key) !== user.version) wrongVersions++;

  const groups = await pool.query<{ o: string; id: string; name: string | null }>(
    'select organization_id o, id, display_name name from scim_groups',
  );
  let wrongGroups = Math.abs(groups.rows.length - plan.groups.size);
  for (const g of groups.rows) if (plan.groups.get(`${g.o}/${g.id}`) !== g.name) wrongGroups++;

  const memberships = await pool.query<{ o: string; u: string; g: string }>(
    'select organization_id o, user_id u, group_id g from scim_memberships',
  );
  const storedMemberships = new Set(memberships.rows.map((m) => `${m.o}/${m.u}/${m.g}`));
  let expectedMemberships = 0;
  let wrongMemberships = 0;
  for (const [key, user] of plan.users) {
    for (const group of user.groupIds) {
      expectedMemberships++;
      if (!storedMemberships.has(`${key}/${group}`)) wrongMemberships++;
    }
  }
  wrongMemberships += Math.max(0, storedMemberships.size - expectedMemberships);

  const ok =
    users.missing === 0 &&
    users.wrong === 0 &&
    inbox.rows === plan.distinctEvents &&
    inbox.pending === 0 &&
    wrongVersions === 0 &&
    wrongGroups === 0 &&
    wrongMemberships === 0;
  return {
    ...users,
    ok,
    inboxRows: inbox.rows,
    distinctEvents: plan.distinctEvents,
    pendingEvents: inbox.pending,
    wrongVersions,
    wrongGroups,
    wrongMemberships,
  };
}
