import { ScimRequestError } from '../http/errors.js';

/**
 * A request's version, fixed when the request is received: the receive time in nanoseconds since the epoch,
 * strictly increasing on one server instance (two requests in the same millisecond, or a clock stepping back,
 * take the last version plus one). Every write of the request carries this version and no other, so the order
 * of versions is the order of receipt. Two instances may give the same version; the store's compare-and-set
 * then lets one of them write and the other is refused like any request that is not newer than the stored state.
 */
export function receiveClock(): (receivedAt: Date) => bigint {
  let last = 0n;
  return (receivedAt) => {
    const now = BigInt(receivedAt.getTime()) * 1_000_000n;
    last = now > last ? now : last + 1n;
    return last;
  };
}

/** `meta.version` and the `ETag` header: a weak entity tag (RFC 7644 3.14). */
export function etagOf(version: bigint): string {
  return `W/"${version}"`;
}

function opaque(tag: string): string {
  const trimmed = tag.trim();
  return trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed;
}

/** Whether `If-Match` / `If-None-Match` lists the version (weak comparison, `*` matches any). */
export function tagMatches(headerValue: string, version: bigint): boolean {
  const current = opaque(etagOf(version));
  return headerValue.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === current);
}

/** RFC 7232: a write with an `If-Match` the resource does not satisfy changes nothing. */
export function checkIfMatch(ifMatch: string | undefined, version: bigint): void {
  if (ifMatch !== undefined && !tagMatches(ifMatch, version)) {
    throw new ScimRequestError(412, 'The resource changed since the version given in If-Match');
  }
}
