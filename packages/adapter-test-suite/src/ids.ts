import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Lowercase letters and digits only, so ids sort the same under any database collation. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** `org_` and 24 characters: unique per test, within Scalekit's 32-character limit. */
export function randomOrganizationId(): string {
  return `org_${randomToken(24)}`;
}

export function randomEventId(): string {
  return `evt_${randomToken(24)}`;
}

/** An email no other test uses: a row one test leaves unlinked must never be adopted by another. */
export function uniqueEmail(label: string): string {
  return `${label}.${randomToken(12)}@example.com`;
}
