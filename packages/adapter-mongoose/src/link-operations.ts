import type { IdentityLink } from '@scim/core/adapter';
import type { LinkDoc } from './documents.js';

/**
 * Pure builders of identity links and of account linking's plan, so that their rules are checked without
 * a server; the store only sends them.
 */

type Filter = Record<string, unknown>;

/** One upsert per directory user, keyed by (organizationId, directoryUserId); a repeated id's last link wins. */
export function linkUpserts(
  organizationId: string,
  links: readonly IdentityLink[],
): { updateOne: { filter: Filter; update: { $set: Pick<LinkDoc, 'appUserId'> }; upsert: true } }[] {
  const last = new Map<string, string>();
  for (const link of links) last.set(link.directoryUserId, link.appUserId);
  return [...last].map(([directoryUserId, appUserId]) => ({
    updateOne: { filter: { organizationId, directoryUserId }, update: { $set: { appUserId } }, upsert: true },
  }));
}

export interface EmailLink {
  directoryUserId: string;
  email: string;
}

/** A document of the app's collection that account linking may adopt: it has no organization nor user id. */
export interface UnlinkedCandidate {
  _id: unknown;
  email: string;
}

/**
 * Which document each directory user is given, in the order of the items: a directory user that has a
 * document already, or was given one by an earlier item, is left alone; an email is compared without
 * regard to case; a document goes to the first item asking for it; and an email that two unlinked
 * documents share gives neither (nothing tells which account is the person's, and a wrong guess hands one
 * person's account to another).
 */
export function planEmailLinks(
  links: readonly EmailLink[],
  withDocument: ReadonlySet<string>,
  candidates: readonly UnlinkedCandidate[],
): { directoryUserId: string; documentId: unknown }[] {
  const byEmail = new Map<string, unknown[]>();
  for (const candidate of candidates) {
    const key = candidate.email.toLowerCase();
    byEmail.set(key, [...(byEmail.get(key) ?? []), candidate._id]);
  }
  const done = new Set(withDocument);
  const taken = new Set<string>();
  const out: { directoryUserId: string; documentId: unknown }[] = [];
  for (const { directoryUserId, email } of links) {
    const key = email.toLowerCase();
    const documents = byEmail.get(key);
    if (done.has(directoryUserId) || taken.has(key) || documents?.length !== 1) continue;
    taken.add(key);
    done.add(directoryUserId);
    out.push({ directoryUserId, documentId: documents[0] });
  }
  return out;
}
