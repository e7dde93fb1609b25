import { AdapterError, type ResourcePut, type ResourcePutResult } from '@scim/core/adapter';
import { isUniqueViolation } from '../errors.js';
import type { StoreContext } from '../store/context.js';
import { RESOURCE_COLUMNS, refusal, resourceKey, resourceValues, storedVersion } from '../store/resources.js';
import { text } from '../values.js';

/** The put's email index, each address once. */
const emailsOf = (put: ResourcePut): string[] => [...new Set(put.resource!.index.emails)];

/**
 * The compare-and-set write of one SCIM resource, each case one statement (its email index written by
 * the same statement, in data-modifying WITH clauses that run only when the resource row was written).
 * A create inserts with ON CONFLICT DO NOTHING, which covers the key and the userName's unique index
 * alike (and waits for a concurrent insert of either to commit or roll back); an update is conditional
 * on the version and on no other User holding the userName. Nothing written: a second read says why.
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
  const values = resourceValues(s, organizationId, put);
  const [org, type, id] = values as [string, string, string];
  const emails = s.array(emailsOf(put));
  let write: string;
  let index: string;
  if (put.expectedVersion === null) {
    write = `INSERT INTO scim_resources (${RESOURCE_COLUMNS}) VALUES (${values.join(', ')}) ON CONFLICT DO NOTHING RETURNING id`;
    index = '';
  } else {
    const [, , , version, attributes, userName, externalId, displayName, active, created, lastModified] = values;
    write =
      `UPDATE scim_resources SET version = ${version}, attributes = ${attributes}, user_name = ${userName}, ` +
      `external_id = ${externalId}, display_name = ${displayName}, active = ${active}, created_at = ${created}, ` +
      `last_modified = ${lastModified} WHERE organization_id = ${org} AND resource_type = ${type} AND id = ${id} ` +
      `AND version = ${s.int64(put.expectedVersion)} AND NOT EXISTS (SELECT 1 FROM scim_resources o ` +
      `WHERE o.organization_id = ${org} AND o.resource_type = ${type} AND o.user_name = ${userName} AND o.id <> ${id}) ` +
      'RETURNING id';
    index =
      'gone AS (DELETE FROM scim_resource_emails WHERE EXISTS (SELECT 1 FROM written) ' +
      `AND organization_id = ${org} AND resource_type = ${type} AND resource_id = ${id} AND NOT (email = any(${emails}))), `;
  }
  let rows: Awaited<ReturnType<StoreContext['rows']>>;
  try {
    rows = await ctx.rows(
      s,
      `WITH written AS (${write}), ${index}` +
        'added AS (INSERT INTO scim_resource_emails (organization_id, resource_type, resource_id, email) ' +
        `SELECT ${org}, ${type}, ${id}, e.email FROM unnest(${emails}) AS e(email) WHERE EXISTS (SELECT 1 FROM written) ` +
        'ON CONFLICT DO NOTHING) SELECT id FROM written',
    );
  } catch (error) {
    // An update whose userName another transaction took after this one's snapshot: retried, the
    // transaction reads the committed row and answers `uniqueness`.
    if (put.expectedVersion !== null && isUniqueViolation(error, ctx.classify)) {
      throw new AdapterError('TRANSACTION_CONFLICT', 'the userName was taken by a concurrent write', { cause: error });
    }
    throw error;
  }
  if (rows.length === 1 && text(rows[0]!.id) === put.id) return 'ok';
  return refusal(ctx, organizationId, put);
}
