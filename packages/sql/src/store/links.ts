import type { IdentityLink } from '@scim/core/adapter';
import { text } from '../values.js';
import { chunks, lastOfEach, type StoreContext, unique } from './context.js';

async function readLinks(
  ctx: StoreContext,
  organizationId: string,
  column: 'directory_user_id' | 'app_user_id',
  ids: readonly string[],
): Promise<IdentityLink[]> {
  const out: IdentityLink[] = [];
  for (const part of chunks(unique(ids), 1)) {
    const s = ctx.statement();
    const rows = await ctx.rows(
      s,
      'SELECT directory_user_id, app_user_id FROM scim_links ' +
        `WHERE organization_id = ${s.p(organizationId)} AND ${s.in(column, part)}`,
    );
    for (const row of rows)
      out.push({ directoryUserId: text(row.directory_user_id), appUserId: text(row.app_user_id) });
  }
  return out;
}

export function getLinks(
  ctx: StoreContext,
  organizationId: string,
  directoryUserIds: readonly string[],
): Promise<IdentityLink[]> {
  return readLinks(ctx, organizationId, 'directory_user_id', directoryUserIds);
}

export function getLinksToAppUsers(
  ctx: StoreContext,
  organizationId: string,
  appUserIds: readonly string[],
): Promise<IdentityLink[]> {
  return readLinks(ctx, organizationId, 'app_user_id', appUserIds);
}

/** Creates or replaces links; of a repeated directory user, the last link. */
export async function saveLinks(
  ctx: StoreContext,
  organizationId: string,
  links: readonly IdentityLink[],
): Promise<void> {
  for (const part of chunks(
    lastOfEach(links, (l) => l.directoryUserId),
    3,
  )) {
    const s = ctx.statement();
    const values = part.map((l) => `(${s.p(organizationId)}, ${s.p(l.directoryUserId)}, ${s.p(l.appUserId)})`);
    await ctx.run(
      s,
      `INSERT INTO scim_links (organization_id, directory_user_id, app_user_id) VALUES ${values.join(', ')} ` +
        ctx.dialect.upsert(['organization_id', 'directory_user_id'], ['app_user_id']),
    );
  }
}

export async function deleteLinks(
  ctx: StoreContext,
  organizationId: string,
  directoryUserIds: readonly string[],
): Promise<void> {
  for (const part of chunks(unique(directoryUserIds), 1)) {
    const s = ctx.statement();
    await ctx.run(
      s,
      `DELETE FROM scim_links WHERE organization_id = ${s.p(organizationId)} AND ${s.in('directory_user_id', part)}`,
    );
  }
}
