import type { IdentityLink } from '@scim/core/adapter';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { chunkRows, lastOfEachKey, unique } from '../batches.js';
import { scimLinks } from './schema.js';
import type { MySqlDb } from './store.js';

const columns = { directoryUserId: scimLinks.directoryUserId, appUserId: scimLinks.appUserId };

/** Identity links on MySQL/MariaDB: one statement a call (split at the parameter limit). */
export async function getLinks(db: MySqlDb, organizationId: string, ids: readonly string[]): Promise<IdentityLink[]> {
  if (ids.length === 0) return [];
  return db
    .select(columns)
    .from(scimLinks)
    .where(and(eq(scimLinks.organizationId, organizationId), inArray(scimLinks.directoryUserId, unique(ids))));
}

export async function getLinksToAppUsers(
  db: MySqlDb,
  organizationId: string,
  appUserIds: readonly string[],
): Promise<IdentityLink[]> {
  if (appUserIds.length === 0) return [];
  return db
    .select(columns)
    .from(scimLinks)
    .where(and(eq(scimLinks.organizationId, organizationId), inArray(scimLinks.appUserId, unique(appUserIds))));
}

export async function saveLinks(db: MySqlDb, organizationId: string, links: readonly IdentityLink[]): Promise<void> {
  const rows = lastOfEachKey(links, (l) => l.directoryUserId).map((l) => ({ organizationId, ...l }));
  for (const chunk of chunkRows(rows, 3)) {
    await db
      .insert(scimLinks)
      .values(chunk)
      .onDuplicateKeyUpdate({ set: { appUserId: sql`values(${sql.identifier(scimLinks.appUserId.name)})` } });
  }
}

export async function deleteLinks(db: MySqlDb, organizationId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .delete(scimLinks)
    .where(and(eq(scimLinks.organizationId, organizationId), inArray(scimLinks.directoryUserId, unique(ids))));
}
