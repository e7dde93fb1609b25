/**
 * Opaque page tokens for keyset pagination: the id a page ends (or starts) at. A page continues after that
 * id whatever was added or removed meanwhile, so a listing is stable while the directory changes: nothing
 * is skipped or repeated because of an insertion or deletion before the cursor.
 */

export interface PageCursor {
  kind: 'users' | 'groups';
  directoryId: string;
  /** `after`: the next page; `before`: the previous one. */
  direction: 'after' | 'before';
  id: string;
}

const VERSION = 'v1';

export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from([VERSION, cursor.kind, cursor.directoryId, cursor.direction, cursor.id].join('\n')).toString(
    'base64url',
  );
}

/** The cursor of a token, or null when it is not one of ours (or belongs to another listing). */
export function decodePageToken(token: string, kind: PageCursor['kind'], directoryId: string): PageCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const parts = Buffer.from(token, 'base64url').toString('utf8').split('\n');
  if (parts.length !== 5) return null;
  const [version, tokenKind, tokenDirectory, direction, id] = parts;
  if (version !== VERSION || tokenKind !== kind || tokenDirectory !== directoryId) return null;
  if ((direction !== 'after' && direction !== 'before') || !id) return null;
  return { kind, directoryId, direction, id };
}
