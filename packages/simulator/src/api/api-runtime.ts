import { createHash, timingSafeEqual } from 'node:crypto';
import { Code, ConnectError } from '@connectrpc/connect';
import { SimulatorError } from '../errors.js';
import type { Random } from '../random.js';
import {
  type ApiControls,
  type ApiFaults,
  type ApiStats,
  DEFAULT_API_FAULTS,
  type FaultCode,
  type RateLimit,
} from './api-controls.js';
import { createLatency, type Latency } from './latency.js';
import { TokenStore } from './tokens.js';

const FAULT_CODES: Record<FaultCode, Code> = {
  UNAVAILABLE: Code.Unavailable,
  INTERNAL: Code.Internal,
  DEADLINE_EXCEEDED: Code.DeadlineExceeded,
  RESOURCE_EXHAUSTED: Code.ResourceExhausted,
  UNKNOWN: Code.Unknown,
};

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function checkFaults(faults: Partial<ApiFaults>): void {
  const bad = (message: string) => {
    throw new SimulatorError('INVALID_INPUT', message);
  };
  if (
    faults.tokenTtlSeconds !== undefined &&
    !(Number.isInteger(faults.tokenTtlSeconds) && faults.tokenTtlSeconds > 0)
  ) {
    bad('tokenTtlSeconds must be a positive integer');
  }
  if (faults.unavailableRate !== undefined && !(faults.unavailableRate >= 0 && faults.unavailableRate <= 1)) {
    bad('unavailableRate must be between 0 and 1');
  }
  if (faults.latencyMs !== undefined && !(Number.isFinite(faults.latencyMs) && faults.latencyMs >= 0)) {
    bad('latencyMs must be a finite number >= 0');
  }
  const limit: RateLimit | null | undefined = faults.rateLimit;
  if (
    limit != null &&
    !(Number.isInteger(limit.requests) && limit.requests >= 0 && Number.isFinite(limit.windowMs) && limit.windowMs > 0)
  ) {
    bad('rateLimit needs requests (an integer >= 0) and windowMs (> 0)');
  }
}

/** Authentication, fault injection and counters shared by the token endpoint and the Directory API. */
export class ApiRuntime implements ApiControls {
  readonly tokens = new TokenStore();
  /** Delays every request to the API's port by `latencyMs`, read as each request arrives. */
  readonly latency: Latency = createLatency(() => this.#faults.latencyMs);
  #faults: ApiFaults;
  #failNext: { count: number; code: Code } = { count: 0, code: Code.Unavailable };
  #window = { start: 0, count: 0 };
  readonly #random: Random;
  readonly #clientId: Buffer;
  readonly #clientSecret: Buffer;
  readonly #stats: ApiStats = {
    calls: 0,
    callsByMethod: {},
    tokensIssued: 0,
    tokenRequestsRefused: 0,
    unauthenticated: 0,
    rateLimited: 0,
    injectedFaults: 0,
    waitingOutLatency: 0,
  };

  constructor(options: { clientId: string; clientSecret: string; random: Random; faults?: Partial<ApiFaults> }) {
    this.#clientId = digest(options.clientId);
    this.#clientSecret = digest(options.clientSecret);
    this.#random = options.random;
    checkFaults(options.faults ?? {});
    this.#faults = { ...DEFAULT_API_FAULTS, ...options.faults };
  }

  get faults(): Readonly<ApiFaults> {
    return { ...this.#faults };
  }

  setFaults(faults: Partial<ApiFaults>): void {
    checkFaults(faults);
    this.#faults = { ...this.#faults, ...faults };
    if (faults.rateLimit !== undefined) this.#window = { start: 0, count: 0 };
  }

  resetFaults(): void {
    this.#faults = { ...DEFAULT_API_FAULTS };
    this.#failNext = { count: 0, code: Code.Unavailable };
    this.#window = { start: 0, count: 0 };
  }

  failNext(count: number, code: FaultCode = 'UNAVAILABLE'): void {
    if (!Number.isInteger(count) || count < 0)
      throw new SimulatorError('INVALID_INPUT', 'count must be an integer >= 0');
    const mapped = FAULT_CODES[code];
    if (mapped === undefined) throw new SimulatorError('INVALID_INPUT', `unknown fault code ${String(code)}`);
    this.#failNext = { count, code: mapped };
  }

  revokeTokens(): void {
    this.tokens.revokeAll();
  }

  stats(): ApiStats {
    return {
      ...this.#stats,
      callsByMethod: { ...this.#stats.callsByMethod },
      waitingOutLatency: this.latency.pending,
    };
  }

  /** Client credentials check of the token endpoint, in constant time. */
  credentialsMatch(clientId: string, clientSecret: string): boolean {
    const idOk = timingSafeEqual(digest(clientId), this.#clientId);
    const secretOk = timingSafeEqual(digest(clientSecret), this.#clientSecret);
    return idOk && secretOk;
  }

  issueToken(): { token: string; expiresIn: number } {
    this.#stats.tokensIssued++;
    return this.tokens.issue(this.#faults.tokenTtlSeconds);
  }

  refuseToken(): void {
    this.#stats.tokenRequestsRefused++;
  }

  /**
   * Runs before every Directory API call, in the order a gateway would: rate limit, injected faults,
   * then the bearer token. Throws the ConnectError to answer with.
   */
  admit(method: string, authorization: string | null): void {
    this.#stats.calls++;
    this.#stats.callsByMethod[method] = (this.#stats.callsByMethod[method] ?? 0) + 1;

    const limit = this.#faults.rateLimit;
    if (limit !== null) {
      const now = Date.now();
      if (now - this.#window.start >= limit.windowMs) this.#window = { start: now, count: 0 };
      this.#window.count++;
      if (this.#window.count > limit.requests) {
        this.#stats.rateLimited++;
        const retryAfter = Math.max(1, Math.ceil((this.#window.start + limit.windowMs - now) / 1000));
        throw new ConnectError('rate limit exceeded', Code.ResourceExhausted, { 'retry-after': String(retryAfter) });
      }
    }

    if (this.#failNext.count > 0) {
      this.#failNext.count--;
      this.#stats.injectedFaults++;
      throw new ConnectError('injected fault', this.#failNext.code);
    }
    if (this.#random.chance(this.#faults.unavailableRate)) {
      this.#stats.injectedFaults++;
      throw new ConnectError('service unavailable (injected)', Code.Unavailable);
    }

    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : null;
    if (token === null || token === '') {
      this.#stats.unauthenticated++;
      throw new ConnectError('missing bearer token', Code.Unauthenticated);
    }
    const check = this.tokens.check(token);
    if (check !== 'valid') {
      this.#stats.unauthenticated++;
      throw new ConnectError(
        check === 'expired' ? 'access token expired' : 'invalid access token',
        Code.Unauthenticated,
      );
    }
  }
}
