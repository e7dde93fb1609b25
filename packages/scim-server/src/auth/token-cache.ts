/** What a token lookup found: its organization and the end of its validity (null: none). */
export interface TokenGrant {
  organizationId: string;
  expiresAt: Date | null;
}

/**
 * Tokens found valid, kept for `ttlMs` so that a busy identity provider's requests do not each read the token
 * table. Only valid tokens are kept (an unknown token is looked up every time), a token is never kept past its
 * own `expiresAt`, and the oldest entries go first beyond `maxEntries`. A revoked token is refused by this
 * instance from the next lookup after its entry ends: at most `ttlMs` later.
 */
export class TokenCache {
  private readonly entries = new Map<string, { grant: TokenGrant; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(hash: string, now: number): TokenGrant | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    if (entry.until <= now) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.grant;
  }

  set(hash: string, grant: TokenGrant, now: number): void {
    if (this.ttlMs === 0) return;
    const expires = grant.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    this.entries.delete(hash);
    this.entries.set(hash, { grant, until: Math.min(now + this.ttlMs, expires) });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}
