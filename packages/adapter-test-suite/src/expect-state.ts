import type { EntityKind, EntityState, InboxStatus } from '@scim/core';
import { expect } from 'vitest';
import type { BackdoorUser } from './backdoor.js';
import type { ConformanceContext } from './context.js';

/** Fields of `BackdoorUser` a backdoor may leave out when the app's table does not store them. */
const OPTIONAL_FIELDS = new Set(['givenName', 'familyName', 'displayName', 'username', 'roles']);

/**
 * Reads the user through the backdoor and checks the given fields. Fields the backdoor leaves out
 * are not checked; roles compare in any order.
 */
export async function expectUser(
  ctx: ConformanceContext,
  userId: string,
  expected: Partial<Omit<BackdoorUser, 'id' | 'organizationId'>>,
  organizationId: string = ctx.organizationId,
): Promise<BackdoorUser> {
  const user = await ctx.backdoor.readUser(organizationId, userId);
  expect(user, `user ${userId} of ${organizationId} in the app's table`).not.toBeNull();
  const actual = user as BackdoorUser;
  expect(actual.id).toBe(userId);
  expect(actual.organizationId).toBe(organizationId);
  const picked: Record<string, unknown> = {};
  const wanted: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(expected)) {
    const got = (actual as unknown as Record<string, unknown>)[field];
    if (got === undefined && OPTIONAL_FIELDS.has(field)) continue;
    if (field === 'roles') {
      picked[field] = [...((got as readonly string[]) ?? [])].sort();
      wanted[field] = [...((value as readonly string[]) ?? [])].sort();
    } else {
      picked[field] = got;
      wanted[field] = value;
    }
  }
  expect(picked, `user ${userId}`).toEqual(wanted);
  return actual;
}

export async function expectNoUser(
  ctx: ConformanceContext,
  userId: string,
  organizationId: string = ctx.organizationId,
): Promise<void> {
  expect(await ctx.backdoor.readUser(organizationId, userId), `user ${userId} of ${organizationId}`).toBeNull();
}

/** Group ids of one user, sorted. */
export async function groupsOf(
  ctx: ConformanceContext,
  userId: string,
  organizationId: string = ctx.organizationId,
): Promise<string[]> {
  const rows = await ctx.backdoor.readMemberships(organizationId, { userId });
  for (const row of rows) expect(row.userId).toBe(userId);
  return rows.map((row) => row.groupId).sort();
}

/** User ids of one group, sorted. */
export async function membersOf(
  ctx: ConformanceContext,
  groupId: string,
  organizationId: string = ctx.organizationId,
): Promise<string[]> {
  const rows = await ctx.backdoor.readMemberships(organizationId, { groupId });
  for (const row of rows) expect(row.groupId).toBe(groupId);
  return rows.map((row) => row.userId).sort();
}

export async function expectEntity(
  ctx: ConformanceContext,
  kind: EntityKind,
  id: string,
  expected: Partial<Pick<EntityState, 'version' | 'deleted' | 'active' | 'eventId'>>,
  organizationId: string = ctx.organizationId,
): Promise<EntityState> {
  const state = await ctx.backdoor.readEntity(organizationId, kind, id);
  expect(state, `${kind} version record ${id}`).not.toBeNull();
  expect(state).toMatchObject(expected);
  return state as EntityState;
}

export async function expectInbox(ctx: ConformanceContext, eventId: string, status: InboxStatus): Promise<void> {
  const record = await ctx.backdoor.readInbox(eventId);
  expect(record, `inbox record ${eventId}`).not.toBeNull();
  expect(record?.status, `inbox status of ${eventId}`).toBe(status);
}

export async function expectNoInbox(ctx: ConformanceContext, eventId: string): Promise<void> {
  expect(await ctx.backdoor.readInbox(eventId), `inbox record ${eventId}`).toBeNull();
}

/** The version (ns) the engine derives from a raw event's `occurred_at`. */
export function versionOf(payload: { occurred_at: string }): bigint {
  const match = /\.(\d{1,9})Z$/.exec(payload.occurred_at);
  const whole = Date.parse(payload.occurred_at.replace(/\.\d+Z$/, 'Z'));
  const fraction = BigInt((match?.[1] ?? '').padEnd(9, '0') || '0');
  return BigInt(whole) * 1_000_000n + fraction;
}
