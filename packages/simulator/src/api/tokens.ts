import { randomBytes } from 'node:crypto';

export type TokenCheck = 'valid' | 'expired' | 'unknown';

/** Access tokens issued by the token endpoint, with their expiry. */
export class TokenStore {
  readonly #tokens = new Map<string, number>();
  #issued = 0;

  issue(ttlSeconds: number, now = Date.now()): { token: string; expiresIn: number } {
    if (this.#tokens.size > 1000) this.#prune(now);
    const token = randomBytes(24).toString('base64url');
    this.#tokens.set(token, now + ttlSeconds * 1000);
    this.#issued++;
    return { token, expiresIn: ttlSeconds };
  }

  check(token: string, now = Date.now()): TokenCheck {
    const expiresAt = this.#tokens.get(token);
    if (expiresAt === undefined) return 'unknown';
    return now < expiresAt ? 'valid' : 'expired';
  }

  revokeAll(): void {
    this.#tokens.clear();
  }

  get issued(): number {
    return this.#issued;
  }

  #prune(now: number): void {
    for (const [token, expiresAt] of this.#tokens) if (expiresAt <= now) this.#tokens.delete(token);
  }
}
