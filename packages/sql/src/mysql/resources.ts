import type { ResourcePut, ResourcePutResult } from '@scim/core/adapter';
import { isUniqueViolation } from '../errors.js';
import { chunks, type StoreContext } from '../store/context.js';
import {
  RESOURCE_COLUMNS,
  refusal,
  resourceKey,
  resourceValues,
  storedVersion,
  updateResourceSql,
} from '../store/resources.js';

/**
 * MySQL/MariaDB: a failed statement does not end the transaction, so the unique indexes answer for the
 * database itself: a duplicate key on insert (the resource's key, or the userName of another User, which
 * InnoDB checks after a concurrent writer of it commits) or on update refuses the put, and a second read
 * says why. The version is compared by the UPDATE's or DELETE's own condition.
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
    // The email index goes with the row, through the foreign key's cascade.
    const s = ctx.statement();
    const deleted = await ctx.run(
      s,
      `DELETE FROM scim_resources WHERE ${resourceKey(s, organizationId, put.resourceType, put.id)} ` +
        `AND version = ${s.int64(put.expectedVersion)}`,
    );
    return deleted === 0 ? 'version-conflict' : 'ok';
  }
  const s = ctx.statement();
  try {
    if (put.expectedVersion === null) {
      await ctx.run(
        s,
        `INSERT INTO scim_resources (${RESOURCE_COLUMNS}) VALUES (${resourceValues(s, organizationId, put).join(', ')})`,
      );
    } else {
      const updated = await ctx.run(s, updateResourceSql(s, organizationId, put));
      if (updated === 0) return 'version-conflict';
    }
  } catch (error) {
    if (isUniqueViolation(error, ctx.classify)) return refusal(ctx, organizationId, put);
    throw error;
  }
  await writeEmails(ctx, organizationId, put, put.expectedVersion !== null);
  return 'ok';
}

/** The resource's email index becomes the put's: addresses no longer given go, new ones are added. */
async function writeEmails(ctx: StoreContext, organizationId: string, put: ResourcePut, replace: boolean) {
  const emails = [...new Set(put.resource!.index.emails)];
  if (replace) {
    const s = ctx.statement();
    let where = `organization_id = ${s.p(organizationId)} AND resource_type = ${s.p(put.resourceType)} AND resource_id = ${s.p(put.id)}`;
    if (emails.length > 0) where += ` AND email NOT IN (${emails.map((e) => s.p(e)).join(', ')})`;
    await ctx.run(s, `DELETE FROM scim_resource_emails WHERE ${where}`);
  }
  for (const part of chunks(emails, 4)) {
    const s = ctx.statement();
    const values = part.map((e) => `(${s.p(organizationId)}, ${s.p(put.resourceType)}, ${s.p(put.id)}, ${s.p(e)})`);
    await ctx.run(
      s,
      `INSERT INTO scim_resource_emails (organization_id, resource_type, resource_id, email) VALUES ${values.join(', ')} ` +
        ctx.dialect.skipExisting(['organization_id']),
    );
  }
}
