import type { ScimAdapter, ScimEngine, TokenRecord } from '@scim/core';
import { ScimError } from '@scim/core';
import { generateScimToken, hashScimToken } from '../auth/tokens.js';

type TokenAdapter = ScimAdapter & Required<Pick<ScimAdapter, 'saveToken' | 'listTokens' | 'expireTokens'>>;

export interface IssuedToken {
  /** The bearer token: shown once, never stored. Paste it into the identity provider with the base URL. */
  token: string;
  record: TokenRecord;
}

/** Token management of the SCIM server, over the engine's bookkeeping. */
export interface ScimTokens {
  /** A new token for the organization (its other tokens keep working). */
  issue(organizationId: string, options?: { label?: string; expiresAt?: Date | null }): Promise<IssuedToken>;
  /**
   * A new token, and the organization's other live tokens expire after `overlapMs` (default one hour): time
   * to paste the new one into the identity provider before the old one stops working.
   */
  rotate(organizationId: string, options?: { label?: string; overlapMs?: number }): Promise<IssuedToken>;
  /** Revokes a token of the organization at once, by the token itself or its hash. */
  revoke(organizationId: string, tokenOrHash: string): Promise<boolean>;
  /** The organization's tokens (hashes, labels, expiry), newest first. */
  list(organizationId: string): Promise<TokenRecord[]>;
}

const HOUR = 60 * 60 * 1000;

export function scimTokens(engine: ScimEngine, now: () => Date = () => new Date()): ScimTokens {
  const adapter = engine.adapter as TokenAdapter;
  if (adapter.capabilities.scimResources !== true) {
    throw new ScimError('CONFIGURATION_ERROR', `The ${adapter.name} adapter does not keep SCIM tokens`);
  }
  const check = (organizationId: string) => {
    if (typeof organizationId !== 'string' || organizationId === '') {
      throw new ScimError('CONFIGURATION_ERROR', 'a SCIM token belongs to an organization (organizationId)');
    }
  };
  const issue: ScimTokens['issue'] = async (organizationId, options = {}) => {
    check(organizationId);
    const token = generateScimToken();
    const record: TokenRecord = {
      hash: hashScimToken(token),
      organizationId,
      label: options.label ?? null,
      createdAt: now(),
      expiresAt: options.expiresAt ?? null,
    };
    await adapter.saveToken(record);
    return { token, record };
  };
  return {
    issue,
    async rotate(organizationId, options = {}) {
      check(organizationId);
      const at = now();
      const live = (await adapter.listTokens(organizationId)).filter(
        (t) => t.expiresAt === null || t.expiresAt.getTime() > at.getTime(),
      );
      const issued = await issue(organizationId, options.label === undefined ? {} : { label: options.label });
      const until = new Date(at.getTime() + (options.overlapMs ?? HOUR));
      const ending = live.filter((t) => t.expiresAt === null || t.expiresAt.getTime() > until.getTime());
      if (ending.length > 0)
        await adapter.expireTokens(
          organizationId,
          ending.map((t) => t.hash),
          until,
        );
      return issued;
    },
    async revoke(organizationId, tokenOrHash) {
      check(organizationId);
      const hash = /^[0-9a-f]{64}$/.test(tokenOrHash) ? tokenOrHash : hashScimToken(tokenOrHash);
      const owned = (await adapter.listTokens(organizationId)).some((t) => t.hash === hash);
      if (owned) await adapter.expireTokens(organizationId, [hash], now());
      return owned;
    },
    list: (organizationId) => adapter.listTokens(organizationId),
  };
}
