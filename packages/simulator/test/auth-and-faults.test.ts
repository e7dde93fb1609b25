/**
 * Client credentials, bearer tokens and the API fault modes, through the real SDK and its own retry logic.
 */
import { Code } from '@connectrpc/connect';
import { ScalekitServerException, ScalekitTooManyRequestsException } from '@scalekit-sdk/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedResult, Simulator } from '../src/index.js';
import { clientOf, simulator, sleep } from './helpers.js';

let sim: Simulator;
let seeded: SeedResult;

beforeEach(async () => {
  sim = await simulator();
  seeded = sim.state.seed({ users: 40, groups: 5 });
});
afterEach(() => sim.close());

const list = (client = clientOf(sim)) =>
  client.directory.listDirectoryUsers(seeded.organization.id, seeded.directory.id, { pageSize: 10 });

describe('the token endpoint', () => {
  it('issues a bearer token for the client credentials grant', async () => {
    const response = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.credentials.clientId,
        client_secret: sim.credentials.clientSecret,
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86_400 });
    expect(typeof body.access_token).toBe('string');
  });

  it('lets a wrong client secret escape from the SDK as the raw axios 401', async () => {
    const error = (await list(clientOf(sim, 'test_wrong')).catch((e: unknown) => e)) as {
      name: string;
      isAxiosError?: boolean;
      response?: { status: number; data: unknown };
    };
    expect(error).not.toBeInstanceOf(ScalekitServerException);
    expect(error.name).toBe('AxiosError');
    expect(error.isAxiosError).toBe(true);
    expect(error.response?.status).toBe(401);
    expect(error.response?.data).toMatchObject({ error: 'invalid_client' });
    expect(sim.api.stats().tokenRequestsRefused).toBe(1);
  });

  it('rejects another grant type with 400', async () => {
    const response = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&client_id=a&client_secret=b',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('bearer tokens', () => {
  it('answers a call without a token Unauthenticated, which makes the SDK authenticate and retry', async () => {
    await list();
    expect(sim.api.stats()).toMatchObject({ calls: 2, unauthenticated: 1, tokensIssued: 1 });
  });

  it('survives revokeTokens() through the SDK retry', async () => {
    const client = clientOf(sim);
    await list(client);
    sim.api.revokeTokens();
    expect((await list(client)).users).toHaveLength(10);
    expect(sim.api.stats()).toMatchObject({ unauthenticated: 2, tokensIssued: 2 });
  });

  it('expires tokens after tokenTtlSeconds', async () => {
    sim.api.setFaults({ tokenTtlSeconds: 1 });
    const client = clientOf(sim);
    await list(client);
    await sleep(1100);
    await list(client);
    expect(sim.api.stats()).toMatchObject({ unauthenticated: 2, tokensIssued: 2 });
  });
});

describe('fault modes', () => {
  it('rate limits with ResourceExhausted, which the SDK surfaces as ScalekitTooManyRequestsException without retrying', async () => {
    const client = clientOf(sim);
    await list(client); // two calls: the unauthenticated one and its retry
    sim.api.setFaults({ rateLimit: { requests: 2, windowMs: 60_000 } });
    await list(client);
    await list(client);
    const error = await list(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScalekitTooManyRequestsException);
    expect(error).toBeInstanceOf(ScalekitServerException);
    expect((error as ScalekitServerException).grpcStatus).toBe(Code.ResourceExhausted);
    expect((error as ScalekitServerException).httpStatus).toBe(429);
    expect(sim.api.stats()).toMatchObject({ calls: 5, rateLimited: 1 });
    sim.api.setFaults({ rateLimit: null });
    await list(client);
  });

  it('answers the next calls Unavailable, which the SDK retries with backoff', async () => {
    const client = clientOf(sim);
    await list(client);
    sim.api.failNext(1);
    expect((await list(client)).users).toHaveLength(10);
    expect(sim.api.stats()).toMatchObject({ injectedFaults: 1, calls: 4 });
  });

  it('checks fault settings', () => {
    expect(() => sim.api.setFaults({ unavailableRate: 2 })).toThrow(/between 0 and 1/);
    expect(() => sim.api.setFaults({ rateLimit: { requests: -1, windowMs: 1 } })).toThrow(/rateLimit/);
    sim.api.setFaults({ latencyMs: 5 });
    expect(sim.api.faults.latencyMs).toBe(5);
    sim.api.resetFaults();
    expect(sim.api.faults).toEqual({ tokenTtlSeconds: 86_400, rateLimit: null, unavailableRate: 0, latencyMs: 0 });
  });
});
