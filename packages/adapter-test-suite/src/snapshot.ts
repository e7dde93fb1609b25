import type { ConformanceContext } from './context.js';
import { groupsOf, membersOf } from './expect-state.js';

/** Everything the backdoor shows about some users and groups of the test's organization. */
export async function snapshot(
  ctx: ConformanceContext,
  ids: { users?: readonly string[]; groups?: readonly string[] },
): Promise<Record<string, unknown>> {
  const org = ctx.organizationId;
  const out: Record<string, unknown> = {};
  for (const id of ids.users ?? []) {
    out[`user:${id}`] = await ctx.backdoor.readUser(org, id);
    out[`user-version:${id}`] = await ctx.backdoor.readEntity(org, 'user', id);
    out[`user-groups:${id}`] = await groupsOf(ctx, id);
  }
  for (const id of ids.groups ?? []) {
    out[`group:${id}`] = await ctx.backdoor.readGroup(org, id);
    out[`group-version:${id}`] = await ctx.backdoor.readEntity(org, 'group', id);
    out[`group-members:${id}`] = await membersOf(ctx, id);
  }
  return out;
}
