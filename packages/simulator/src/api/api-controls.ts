/** A gRPC status the simulator can answer with, by its canonical name. */
export type FaultCode = 'UNAVAILABLE' | 'INTERNAL' | 'DEADLINE_EXCEEDED' | 'RESOURCE_EXHAUSTED' | 'UNKNOWN';

export interface RateLimit {
  /** Calls allowed per window; the next ones get ResourceExhausted until the window ends. */
  requests: number;
  windowMs: number;
}

/** Fault modes of the Directory API. Every field is optional in `setFaults` and in the start options. */
export interface ApiFaults {
  /** Lifetime of newly issued access tokens (`expires_in`). Default 86400 (a day). */
  tokenTtlSeconds: number;
  /** Fixed-window rate limit over all Directory API calls; null (the default) for none. */
  rateLimit: RateLimit | null;
  /** Share of calls (0..1) answered Unavailable. Default 0. */
  unavailableRate: number;
  /**
   * A network round trip, in ms: every request (Directory API calls, rejected ones too, and the token
   * endpoint) waits this long before it is handled, each on its own timer. Read as each request arrives.
   * Default 0.
   */
  latencyMs: number;
}

export interface ApiStats {
  /** Directory API calls received, rejected ones included. */
  calls: number;
  /** Calls per RPC method name (`listDirectoryUsers`, ...). */
  callsByMethod: Record<string, number>;
  tokensIssued: number;
  /** Token requests refused (wrong client id or secret, bad grant type). */
  tokenRequestsRefused: number;
  unauthenticated: number;
  rateLimited: number;
  /** Calls answered with an injected fault (rate or `failNext`). */
  injectedFaults: number;
  /** Requests received and still waiting out `latencyMs` now: the round trips in flight. */
  waitingOutLatency: number;
}

/** Controls of the Directory API and its token endpoint. */
export interface ApiControls {
  /** The current fault modes. */
  readonly faults: Readonly<ApiFaults>;
  /** Changes some fault modes; the others keep their values. */
  setFaults(faults: Partial<ApiFaults>): void;
  /** Restores every fault mode to its default. */
  resetFaults(): void;
  /**
   * Answers the next `count` Directory API calls with `code` (default UNAVAILABLE, which the SDK retries
   * with backoff) before anything else is checked.
   */
  failNext(count: number, code?: FaultCode): void;
  /** Forgets every issued access token: the next call of each client gets Unauthenticated and re-authenticates. */
  revokeTokens(): void;
  stats(): ApiStats;
}

export const DEFAULT_API_FAULTS: ApiFaults = {
  tokenTtlSeconds: 86_400,
  rateLimit: null,
  unavailableRate: 0,
  latencyMs: 0,
};
