import { ScimRequestError } from '../http/errors.js';

/** The next version of a resource: the receive time in nanoseconds, and above the previous one whatever the clock. */
export function nextVersion(previous: bigint | null, receivedAt: Date): bigint {
  const now = BigInt(receivedAt.getTime()) * 1_000_000n;
  return previous !== null && now <= previous ? previous + 1n : now;
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
