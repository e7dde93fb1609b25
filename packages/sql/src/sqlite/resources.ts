import type { ResourcePut, ResourcePutResult } from '@scim/core/adapter';
import { chunks, type StoreContext } from '../store/context.js';
import {
  RESOURCE_COLUMNS,
  refusal,
  resourceKey,
  resourceValues,
  storedVersion,
  updateResourceSql,
} from '../store/resources.js';

async function deleteEmails(ctx: StoreContext, organizationId: string, put: ResourcePut): Promise<void> {
  const s = ctx.statement();
  await ctx.run(
    s,
    `DELETE FROM scim_resource_emails WHERE organization_id = ${s.p(organizationId)} ` +
      `AND resource_type = ${s.p(put.resourceType)} AND resource_id = ${s.p(put.id)}`,
  );
}

/**
 * SQLite: one writer at a time (the transaction holds the database's write lock), so the conditions are
 * exact as written: a create skips a taken key or userName (ON CONFLICT DO NOTHING covers every unique
 * index), an update is conditional on the version and on no other User holding the userName. The email
 * index is rewritten by the same transaction (foreign keys may be off on the connection).
 */
export async function putResource(
  ctx: StoreContext,
  organizationId: string,
  put: ResourcePut,
): Promise<ResourcePutResult> {
  if (put.resource === null) {
    if (put.expectedVersion === null) {
      return (await storedVersion(ctx, organizationId, put.resourceType, put.id)) === null ? 'ok' : 'version-conflict';
    }
    const s = ctx.statement();
    const deleted = await ctx.run(
      s,
      `DELETE FROM scim_resources WHERE ${resourceKey(s, organizationId, put.resourceType, put.id)} ` +
        `AND version = ${s.int64(put.expectedVersion)}`,
    );
    if (deleted === 0) return 'version-conflict';
    await deleteEmails(ctx, organizationId, put);
    return 'ok';
  }
  let written: number;
  if (put.expectedVersion === null) {
    const s = ctx.statement();
    written = (
      await ctx.rows(
        s,
        `INSERT INTO scim_resources (${RESOURCE_COLUMNS}) VALUES (${resourceValues(s, organizationId, put).join(', ')}) ON CONFLICT DO NOTHING RETURNING id`,
      )
    ).length;
  } else {
    const s = ctx.statement();
    written = await ctx.run(
      s,
      `${updateResourceSql(s, organizationId, put)} AND NOT EXISTS (SELECT 1 FROM scim_resources o ` +
        `WHERE o.organization_id = ${s.p(organizationId)} AND o.resource_type = ${s.p(put.resourceType)} ` +
        `AND o.user_name = ${s.p(put.resource.index.userName)} AND o.id <> ${s.p(put.id)})`,
    );
    if (written === 1) await deleteEmails(ctx, organizationId, put);
  }
  if (written !== 1) return refusal(ctx, organizationId, put);
  for (const part of chunks([...new Set(put.resource.index.emails)], 4)) {
    const e = ctx.statement();
    const rows = part.map(
      (email) => `(${e.p(organizationId)}, ${e.p(put.resourceType)}, ${e.p(put.id)}, ${e.p(email)})`,
    );
    await ctx.run(
      e,
      `INSERT INTO scim_resource_emails (organization_id, resource_type, resource_id, email) VALUES ${rows.join(', ')}`,
    );
  }
  return 'ok';
}
