import type {
  DirectoryGroupRef,
  EntityAdvance,
  EntityKind,
  EntityState,
  IdentityLink,
  InboxRecord,
  InboxUpdate,
} from '@scim/core/adapter';
import { postgresql as d } from '../dialect.js';
import type { SqlRow, SqlValue } from '../port.js';
import { arrayLiteral } from '../statement.js';
import { firstOfEachId, lastOfEach, type StoreContext, unique } from '../store/context.js';
import { advanceRounds, byExpectation, entitySelect, entityState, newerRule } from '../store/entities.js';
import { claimOrder, mergeUpdates } from '../store/inbox.js';
import { rolesText, text } from '../values.js';

/**
 * PostgreSQL's hot statements, written once: every column of a batch travels as ONE array parameter and
 * is unnested by the database, so the text (and its parse) is the same whatever the number of rows.
 */

const column = (values: readonly (string | null)[]): SqlValue => arrayLiteral(values);
const flags = (values: readonly boolean[]): SqlValue => arrayLiteral(values.map((v) => (v ? 't' : 'f')));

// A repeated id is left to ON CONFLICT (DO NOTHING skips it); the callers pass the first of each.
const CLAIM_EVENTS =
  'INSERT INTO scim_events (id, organization_id, type, occurred_at, received_at, status, reason, payload) ' +
  'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], ' +
  '$8::text[]) ON CONFLICT (id) DO NOTHING RETURNING id';

// A reason or payload is written only where its entry gives one (the flags), else kept.
const FINISH_EVENTS =
  'UPDATE scim_events AS e SET status = u.status, ' +
  'reason = CASE WHEN u.set_reason THEN u.reason ELSE e.reason END, ' +
  'payload = CASE WHEN u.set_payload THEN u.payload ELSE e.payload END ' +
  'FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::boolean[], $6::text[]) ' +
  'AS u(id, status, set_reason, reason, set_payload, payload) WHERE e.id = u.id';

// One primary-key lookup per id, whatever the statistics say: during a first sync the table grows from
// empty faster than autovacuum analyzes it, and `id = any($1)` is then planned as a scan of the organization.
const GET_ENTITIES =
  `SELECT e.* FROM unnest($1::text[]) AS w(id) CROSS JOIN LATERAL (SELECT ${entitySelect(d)} FROM scim_entities ` +
  'WHERE organization_id = $2 AND kind = $3 AND id = w.id LIMIT 1) AS e';

// The version rule is decided by the database under the row lock. A row this statement inserted has no
// xmax; one it updated carries this transaction's lock.
const ADVANCE_ENTITIES =
  'INSERT INTO scim_entities (organization_id, kind, id, version, deleted, active, fingerprint, directory_roles, ' +
  'event_id, updated_at) SELECT $1::text, $2::text, u.*, now() FROM unnest($3::text[], $4::bigint[], $5::boolean[], ' +
  '$6::boolean[], $7::text[], $8::text[], $9::text[]) AS u ON CONFLICT (organization_id, kind, id) DO UPDATE SET ' +
  'version = excluded.version, deleted = excluded.deleted, active = excluded.active, ' +
  'fingerprint = excluded.fingerprint, directory_roles = excluded.directory_roles, event_id = excluded.event_id, ' +
  `updated_at = excluded.updated_at WHERE ${newerRule(
    (c) => `scim_entities.${c}`,
    (c) => `excluded.${c}`,
  )} RETURNING id, xmax = 0 AS inserted`;

// Compare-and-set, in one statement whatever the mix: an item that expects no record is inserted where
// none exists (the unique key decides, waiting for a concurrent insert of the same id); one that expects
// a version is an UPDATE whose condition names it, under the row lock and, at READ COMMITTED, against
// the newest committed row (an UPDATE re-checks its condition on a row a concurrent transaction changed).
// The ids are distinct (a round), so the two parts touch different rows.
const CAS_ENTITIES =
  'WITH u AS (SELECT * FROM unnest($3::text[], $4::bigint[], $5::boolean[], $6::boolean[], $7::text[], ' +
  '$8::text[], $9::text[], $10::bigint[]) AS u(id, version, deleted, active, fingerprint, directory_roles, ' +
  'event_id, expected)), ' +
  'ins AS (INSERT INTO scim_entities (organization_id, kind, id, version, deleted, active, fingerprint, ' +
  'directory_roles, event_id, updated_at) SELECT $1::text, $2::text, u.id, u.version, u.deleted, u.active, ' +
  'u.fingerprint, u.directory_roles, u.event_id, now() FROM u WHERE u.expected IS NULL ' +
  'ON CONFLICT (organization_id, kind, id) DO NOTHING RETURNING id), ' +
  'upd AS (UPDATE scim_entities AS e SET version = u.version, deleted = u.deleted, active = u.active, ' +
  'fingerprint = u.fingerprint, directory_roles = u.directory_roles, event_id = u.event_id, updated_at = now() ' +
  'FROM u WHERE u.expected IS NOT NULL AND e.organization_id = $1::text AND e.kind = $2::text AND e.id = u.id ' +
  `AND e.version = u.expected AND ${newerRule(
    (c) => `e.${c}`,
    (c) => `u.${c}`,
  )} RETURNING e.id) ` +
  'SELECT id, true AS inserted FROM ins UNION ALL SELECT id, false AS inserted FROM upd';

const ENSURE_GROUPS =
  'INSERT INTO scim_groups (organization_id, id, display_name) SELECT $1::text, g.id, g.display_name ' +
  'FROM unnest($2::text[], $3::text[]) AS g(id, display_name) ON CONFLICT DO NOTHING';

const SAVE_LINKS =
  'INSERT INTO scim_links (organization_id, directory_user_id, app_user_id) SELECT $1::text, l.d, l.a ' +
  'FROM unnest($2::text[], $3::text[]) AS l(d, a) ' +
  'ON CONFLICT (organization_id, directory_user_id) DO UPDATE SET app_user_id = excluded.app_user_id';

export async function claimEvents(ctx: StoreContext, records: readonly InboxRecord[]): Promise<string[]> {
  if (records.length === 0) return [];
  const rs = claimOrder(records);
  const rows = await ctx.session.query(CLAIM_EVENTS, [
    column(rs.map((r) => r.id)),
    column(rs.map((r) => r.organizationId)),
    column(rs.map((r) => r.type)),
    column(rs.map((r) => r.occurredAt)),
    column(rs.map((r) => r.receivedAt.toISOString())),
    column(rs.map((r) => r.status)),
    column(rs.map((r) => r.reason ?? null)),
    column(rs.map((r) => r.payload ?? null)),
  ]);
  return rows.map((row) => text(row.id));
}

export async function finishEvents(ctx: StoreContext, entries: readonly InboxUpdate[]): Promise<void> {
  if (entries.length === 0) return;
  const es = mergeUpdates(entries);
  await ctx.session.execute(FINISH_EVENTS, [
    column(es.map((e) => e.id)),
    column(es.map((e) => e.status)),
    flags(es.map((e) => e.reason !== undefined)),
    column(es.map((e) => e.reason ?? null)),
    flags(es.map((e) => e.payload !== undefined)),
    column(es.map((e) => e.payload ?? null)),
  ]);
}

export async function getEntities(
  ctx: StoreContext,
  organizationId: string,
  kind: EntityKind,
  ids: readonly string[],
): Promise<EntityState[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.session.query(GET_ENTITIES, [column(unique(ids)), organizationId, kind]);
  return rows.map(entityState);
}

export async function advanceEntities(
  ctx: StoreContext,
  organizationId: string,
  kind: EntityKind,
  items: readonly EntityAdvance[],
): Promise<string[]> {
  if (items.length === 0) return [];
  const written = new Set<string>();
  const add = (rows: readonly SqlRow[], inserted: boolean | undefined) => {
    for (const row of rows) {
      const id = text(row.id);
      written.add(id);
      if (kind === 'user' && ctx.inTransaction && (inserted ?? row.inserted === true))
        ctx.newUsers.add(`${organizationId}\u0000${id}`);
    }
  };
  for (const round of advanceRounds(items)) {
    const { plain, fresh, existing } = byExpectation(round);
    const cas = fresh.length === 0 ? existing : existing.length === 0 ? fresh : [...fresh, ...existing];
    if (cas.length > 0) {
      const params = advanceParams(organizationId, kind, cas);
      params.push(column(cas.map((i) => (i.expected == null ? null : i.expected.toString()))));
      add(await ctx.session.query(CAS_ENTITIES, params), undefined);
    }
    if (plain.length > 0)
      add(await ctx.session.query(ADVANCE_ENTITIES, advanceParams(organizationId, kind, plain)), undefined);
  }
  return [...written];
}

function advanceParams(organizationId: string, kind: EntityKind, items: readonly EntityAdvance[]): SqlValue[] {
  return [
    organizationId,
    kind,
    column(items.map((i) => i.id)),
    column(items.map((i) => i.version.toString())),
    flags(items.map((i) => i.deleted)),
    flags(items.map((i) => i.active)),
    column(items.map((i) => i.fingerprint)),
    column(items.map((i) => rolesText(i.directoryRoles))),
    column(items.map((i) => i.eventId)),
  ];
}

export async function ensureGroups(
  ctx: StoreContext,
  organizationId: string,
  groups: readonly DirectoryGroupRef[],
): Promise<void> {
  if (groups.length === 0) return;
  const gs = firstOfEachId(groups);
  await ctx.session.execute(ENSURE_GROUPS, [
    organizationId,
    column(gs.map((g) => g.id)),
    column(gs.map((g) => g.displayName ?? null)),
  ]);
}

/** Deletes groups; their memberships go with them through the foreign key's cascade. */
export async function deleteGroups(ctx: StoreContext, organizationId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.session.execute('DELETE FROM scim_groups WHERE organization_id = $1 AND id = any($2::text[])', [
    organizationId,
    column(unique(ids)),
  ]);
}

export async function saveLinks(
  ctx: StoreContext,
  organizationId: string,
  links: readonly IdentityLink[],
): Promise<void> {
  if (links.length === 0) return;
  const ls = lastOfEach(links, (l) => l.directoryUserId);
  await ctx.session.execute(SAVE_LINKS, [
    organizationId,
    column(ls.map((l) => l.directoryUserId)),
    column(ls.map((l) => l.appUserId)),
  ]);
}
