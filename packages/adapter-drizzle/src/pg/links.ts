import type { IdentityLink } from '@scim/core/adapter';
import { and, eq } from 'drizzle-orm';
import { lastOfEachKey } from '../batches.js';
import { arrayLiteral } from './array-literal.js';
import { anyOf } from './operators.js';
import { PreparedText } from './prepared.js';
import { scimLinks } from './schema.js';
import type { PgDb } from './store.js';

// One array per column, whatever the number of links; a repeated directory user keeps its last link.
const SAVE_LINKS = new PreparedText(
  'insert into "scim_links" ("organization_id", "directory_user_id", "app_user_id") ' +
    'select $1::text, l.d, l.a from unnest($2::text[], $3::text[]) as l(d, a) ' +
    'on conflict ("organization_id", "directory_user_id") do update set "app_user_id" = excluded."app_user_id"',
);

const columns = { directoryUserId: scimLinks.directoryUserId, appUserId: scimLinks.appUserId };

/** Identity links on PostgreSQL: one statement a call. */
export async function getLinks(db: PgDb, organizationId: string, ids: readonly string[]): Promise<IdentityLink[]> {
  if (ids.length === 0) return [];
  return db
    .select(columns)
    .from(scimLinks)
    .where(and(eq(scimLinks.organizationId, organizationId), anyOf(scimLinks.directoryUserId, ids)));
}

export async function getLinksToAppUsers(
  db: PgDb,
  organizationId: string,
  appUserIds: readonly string[],
): Promise<IdentityLink[]> {
  if (appUserIds.length === 0) return [];
  return db
    .select(columns)
    .from(scimLinks)
    .where(and(eq(scimLinks.organizationId, organizationId), anyOf(scimLinks.appUserId, appUserIds)));
}

export async function saveLinks(db: PgDb, organizationId: string, links: readonly IdentityLink[]): Promise<void> {
  const last = lastOfEachKey(links, (l) => l.directoryUserId);
  if (last.length === 0) return;
  await SAVE_LINKS.run(db, [
    organizationId,
    arrayLiteral(last.map((l) => l.directoryUserId)),
    arrayLiteral(last.map((l) => l.appUserId)),
  ]);
}

export async function deleteLinks(db: PgDb, organizationId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .delete(scimLinks)
    .where(and(eq(scimLinks.organizationId, organizationId), anyOf(scimLinks.directoryUserId, ids)));
}
