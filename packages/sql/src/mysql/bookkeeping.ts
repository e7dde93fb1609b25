import { randomUUID } from 'node:crypto';
import type { EntityAdvance, EntityKind, InboxRecord, LeaseRequest, Membership } from '@scim/core/adapter';
import { chunks, type StoreContext, unique } from '../store/context.js';
import { advanceRounds, byExpectation, entityValues, newerRule } from '../store/entities.js';
import { claimOrder, EVENT_COLUMNS } from '../store/inbox.js';
import { rolesText, text } from '../values.js';

/**
 * MySQL/MariaDB's conditional writes. MySQL has neither RETURNING nor a WHERE on ON DUPLICATE KEY UPDATE:
 * a write stamps the rows it inserted or changed with a token of its own (a column of the table), and a
 * second statement in the same transaction, while the rows are still locked, reads back which ones carry
 * it. Two statements whatever the number of rows.
 */

/** Inserts the ids not there yet (a duplicate key is left as it is, INSERT IGNORE would hide other errors too). */
export async function claimEvents(ctx: StoreContext, records: readonly InboxRecord[]): Promise<string[]> {
  const claimed: string[] = [];
  for (const part of chunks(claimOrder(records), 9)) {
    const token = randomUUID();
    const s = ctx.statement();
    const values = part.map(
      (r) =>
        `(${s.p(r.id)}, ${s.p(r.organizationId)}, ${s.p(r.type)}, ${s.p(r.occurredAt)}, ${s.instant(r.receivedAt)}, ` +
        `${s.p(r.status)}, ${s.p(r.reason ?? null)}, ${s.p(r.payload ?? null)}, ${s.p(token)})`,
    );
    await ctx.run(
      s,
      `INSERT INTO scim_events (${EVENT_COLUMNS}, claim_token) VALUES ${values.join(', ')} ON DUPLICATE KEY UPDATE id = id`,
    );
    const read = ctx.statement();
    const rows = await ctx.rows(
      read,
      `SELECT id FROM scim_events WHERE ${read.in(
        'id',
        part.map((r) => r.id),
      )} AND claim_token = ${read.p(token)}`,
    );
    for (const row of rows) claimed.push(text(row.id));
  }
  return claimed;
}

// Every column takes the proposed value only under the version rule. MySQL assigns left to right and a
// later assignment sees the earlier ones: the rule reads version and event_id, so those two go last,
// event_id before version (whose own assignment still needs the stored version).
const ADVANCED = [
  'write_token',
  'deleted',
  'active',
  'fingerprint',
  'directory_roles',
  'updated_at',
  'event_id',
  'version',
] as const;
const RULE = newerRule(
  (c) => c,
  (c) => `VALUES(${c})`,
);
const ADVANCE_SET = ADVANCED.map((c) => `${c} = IF(${RULE}, VALUES(${c}), ${c})`).join(', ');

export async function advanceEntities(
  ctx: StoreContext,
  organizationId: string,
  kind: EntityKind,
  items: readonly EntityAdvance[],
): Promise<string[]> {
  const written = new Set<string>();
  const now = new Date();
  // The rows of `part` this call wrote: those carrying its token.
  const readBack = async (part: readonly EntityAdvance[], token: string) => {
    const read = ctx.statement();
    const rows = await ctx.rows(
      read,
      `SELECT id FROM scim_entities WHERE organization_id = ${read.p(organizationId)} AND kind = ${read.p(kind)} ` +
        `AND ${read.in(
          'id',
          part.map((i) => i.id),
        )} AND write_token = ${read.p(token)}`,
    );
    for (const row of rows) written.add(text(row.id));
  };
  for (const round of advanceRounds(items)) {
    const { plain, fresh, existing } = byExpectation(round);
    // No record expected: inserted, or nothing (the no-op assignment keeps the stored row as it is).
    for (const part of chunks(fresh, 11)) {
      const token = randomUUID();
      const s = ctx.statement();
      await ctx.run(
        s,
        `${INSERT_ENTITIES} VALUES ${entityValues(s, organizationId, kind, part, now, token).join(', ')} ` +
          'ON DUPLICATE KEY UPDATE write_token = write_token',
      );
      await readBack(part, token);
    }
    // A version expected: an UPDATE, whose locking read sees the newest committed row whatever the
    // isolation level. Every row it matches it changes (a new token), so the count is the matched rows.
    for (const part of chunks(existing, 10)) {
      const token = randomUUID();
      const s = ctx.statement();
      const rows = part.map(
        (i, n) =>
          `SELECT ${s.p(i.id)}${n === 0 ? ' AS id' : ''}, ${s.int64(i.version)}${n === 0 ? ' AS version' : ''}, ` +
          `${s.flag(i.deleted)}${n === 0 ? ' AS deleted' : ''}, ${s.flag(i.active)}${n === 0 ? ' AS active' : ''}, ` +
          `${s.p(i.fingerprint)}${n === 0 ? ' AS fingerprint' : ''}, ` +
          `${s.p(rolesText(i.directoryRoles))}${n === 0 ? ' AS directory_roles' : ''}, ` +
          `${s.p(i.eventId)}${n === 0 ? ' AS event_id' : ''}, ${s.int64(i.expected)}${n === 0 ? ' AS expected' : ''}`,
      );
      const count = await ctx.run(
        s,
        `UPDATE scim_entities AS e JOIN (${rows.join(' UNION ALL ')}) AS u ON e.id = u.id ` +
          'SET e.version = u.version, e.deleted = u.deleted, e.active = u.active, e.fingerprint = u.fingerprint, ' +
          `e.directory_roles = u.directory_roles, e.event_id = u.event_id, e.updated_at = ${s.instant(now)}, ` +
          `e.write_token = ${s.p(token)} WHERE e.organization_id = ${s.p(organizationId)} AND e.kind = ${s.p(kind)} ` +
          `AND e.version = u.expected AND ${newerRule(
            (c) => `e.${c}`,
            (c) => `u.${c}`,
          )}`,
      );
      if (count === part.length) for (const i of part) written.add(i.id);
      else if (count > 0) await readBack(part, token);
    }
    for (const part of chunks(plain, 11)) {
      const token = randomUUID();
      const s = ctx.statement();
      await ctx.run(
        s,
        `${INSERT_ENTITIES} VALUES ${entityValues(s, organizationId, kind, part, now, token).join(', ')} ` +
          `ON DUPLICATE KEY UPDATE ${ADVANCE_SET}`,
      );
      await readBack(part, token);
    }
  }
  return [...written];
}

const INSERT_ENTITIES =
  'INSERT INTO scim_entities (organization_id, kind, id, version, deleted, active, fingerprint, ' +
  'directory_roles, event_id, updated_at, write_token)';

/** No DELETE ... RETURNING: the rows are locked while read, so the rows reported are the rows deleted. */
export async function removeGroupMemberships(
  ctx: StoreContext,
  organizationId: string,
  groupIds: readonly string[],
): Promise<Membership[]> {
  const removed: Membership[] = [];
  for (const part of chunks(unique(groupIds), 1)) {
    const where = (s: ReturnType<StoreContext['statement']>) =>
      `organization_id = ${s.p(organizationId)} AND ${s.in('group_id', part)}`;
    const read = ctx.statement();
    const rows = await ctx.rows(read, `SELECT user_id, group_id FROM scim_memberships WHERE ${where(read)} FOR UPDATE`);
    if (rows.length === 0) continue;
    const s = ctx.statement();
    await ctx.run(s, `DELETE FROM scim_memberships WHERE ${where(s)}`);
    for (const row of rows) removed.push({ organizationId, userId: text(row.user_id), groupId: text(row.group_id) });
  }
  return removed;
}

/**
 * The owner is decided first; the expiry follows whoever owns the lease after that assignment (assignments
 * run left to right). Then the owner is read back.
 */
export async function acquireLease(ctx: StoreContext, request: LeaseRequest): Promise<boolean> {
  const s = ctx.statement();
  const expiresAt = new Date(request.now.getTime() + request.ttlMs);
  await ctx.run(
    s,
    `INSERT INTO scim_leases (name, owner, expires_at) VALUES (${s.p(request.name)}, ${s.p(request.owner)}, ` +
      `${s.instant(expiresAt)}) ON DUPLICATE KEY UPDATE ` +
      `owner = IF(owner = VALUES(owner) OR expires_at <= ${s.instant(request.now)}, VALUES(owner), owner), ` +
      'expires_at = IF(owner = VALUES(owner), VALUES(expires_at), expires_at)',
  );
  const read = ctx.statement();
  const [row] = await ctx.rows(read, `SELECT owner FROM scim_leases WHERE name = ${read.p(request.name)}`);
  return row !== undefined && text(row.owner) === request.owner;
}
