import { randomBytes, randomInt } from 'node:crypto';
import type http from 'node:http';
import type http2 from 'node:http2';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { generateWebhookSecret } from '@scim/core/testing';
import type { ApiControls, ApiFaults } from './api/api-controls.js';
import { ApiRuntime } from './api/api-runtime.js';
import { createDirectoryApi } from './api/directory-service.js';
import { createGrpcFastPath } from './api/grpc-fast-path.js';
import { handleTokenRequest } from './api/token-endpoint.js';
import { EventClock } from './clock.js';
import { SimulatorError } from './errors.js';
import { IdGenerator } from './ids.js';
import { createRandom } from './random.js';
import { startLoopbackServer } from './server/loopback-server.js';
import type { DirectoryState } from './state/directory-state.js';
import { StateStore } from './state/store.js';
import { DEFAULT_WEBHOOK_FAULTS, WebhookDispatcher } from './webhooks/dispatcher.js';
import {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  SCALEKIT_RETRY_SCHEDULE_MS,
  type WebhookControls,
  type WebhookFaults,
} from './webhooks/types.js';

const DIRECTORY_SERVICE_PATH = '/scalekit.v1.directories.DirectoryService';

export interface SimulatorCredentials {
  /** `SCALEKIT_CLIENT_ID` */
  clientId: string;
  /** `SCALEKIT_CLIENT_SECRET` */
  clientSecret: string;
  /** `SCALEKIT_WEBHOOK_SECRET`: `whsec_<base64>`, signs every delivery. */
  webhookSecret: string;
}

export interface SimulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /**
   * Seeds ids, generated directories and fault injection: the same seed and the same calls build the same
   * directories. Default: a random seed (see `simulator.seed`).
   */
  seed?: number | string;
  /** Generated when absent; the webhook secret with `generateWebhookSecret()` from `@scim/core`. */
  credentials?: Partial<SimulatorCredentials>;
  /** Multiplies every webhook retry delay: 0.001 turns Scalekit's 15 minutes into 0.9 s. Default 1. */
  timeScale?: number;
  /** Delay before each delivery attempt, the first normally 0. Default `SCALEKIT_RETRY_SCHEDULE_MS`. */
  retrySchedule?: readonly number[];
  /** A delivery attempt without an answer after this long fails. Default 10,000 ms (not scaled). */
  deliveryTimeoutMs?: number;
  /** Fault modes from the start; both can be changed later through `api` and `webhooks`. */
  faults?: { api?: Partial<ApiFaults>; webhooks?: Partial<WebhookFaults> };
  /** Events kept for `state.events()`. Default 10,000. */
  eventHistoryLimit?: number;
  /** Attempts kept for `webhooks.log()`. Default 10,000. */
  deliveryLogLimit?: number;
  /**
   * Answer gRPC ListDirectoryUsers calls on a lean path that skips the generic Connect handler (same
   * answers, a fraction of the CPU). Default true; false sends every call through the Connect handler.
   */
  fastListing?: boolean;
}

/** A running simulator. */
export interface Simulator {
  /** `http://host:port`: pass it to `new ScalekitClient(url, clientId, clientSecret)`. */
  readonly url: string;
  /** Same as `url`: the value of `SCALEKIT_ENVIRONMENT_URL`. */
  readonly environmentUrl: string;
  /** `environment_id` of every event. */
  readonly environmentId: string;
  readonly port: number;
  readonly seed: number | string;
  readonly credentials: Readonly<SimulatorCredentials>;
  /** The four `SCALEKIT_*` variables an app reads, pointing at this simulator. */
  env(): Record<
    'SCALEKIT_ENVIRONMENT_URL' | 'SCALEKIT_CLIENT_ID' | 'SCALEKIT_CLIENT_SECRET' | 'SCALEKIT_WEBHOOK_SECRET',
    string
  >;
  /** Organizations, directories, users, groups and memberships, and the controls that change them. */
  readonly state: DirectoryState;
  /** Webhook endpoints, the delivery log and the delivery fault modes. */
  readonly webhooks: WebhookControls;
  /** Directory API fault modes, token revocation and counters. */
  readonly api: ApiControls;
  /** Stops the server, cancels pending deliveries and retries, and closes every connection. Idempotent. */
  close(): Promise<void>;
}

function checkOptions(options: SimulatorOptions): void {
  const bad = (message: string): never => {
    throw new SimulatorError('INVALID_INPUT', message);
  };
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    bad('port must be an integer between 0 and 65535');
  }
  if (options.timeScale !== undefined && !(Number.isFinite(options.timeScale) && options.timeScale >= 0)) {
    bad('timeScale must be a finite number >= 0');
  }
  if (options.retrySchedule !== undefined) {
    if (options.retrySchedule.length === 0 || options.retrySchedule.some((d) => !(Number.isFinite(d) && d >= 0))) {
      bad('retrySchedule must be a non-empty list of delays >= 0');
    }
  }
  if (options.deliveryTimeoutMs !== undefined && !(options.deliveryTimeoutMs > 0)) bad('deliveryTimeoutMs must be > 0');
  for (const name of ['eventHistoryLimit', 'deliveryLogLimit'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) bad(`${name} must be an integer >= 0`);
  }
}

/**
 * Starts a local Scalekit on loopback: the Directory API (gRPC over h2c, as `@scalekit-sdk/node` speaks
 * it), the token endpoint, and signed webhook deliveries of every change made through `state`.
 *
 * @example
 * const sim = await startSimulator({ seed: 42, timeScale: 0.001 });
 * const { organization, directory } = sim.state.seed({ users: 1000, groups: 20 });
 * const scalekit = new ScalekitClient(sim.url, sim.credentials.clientId, sim.credentials.clientSecret);
 * await scalekit.directory.listDirectoryUsers(organization.id, directory.id, { pageSize: 100 });
 * await sim.close();
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  checkOptions(options);
  const seed = options.seed ?? randomInt(0, 2 ** 31);
  const ids = new IdGenerator(seed, 1);
  // Drawn even when a client id is given, so that the ids that follow do not depend on it.
  const generatedClientId = `skc_${ids.next('organization').slice(4)}`;
  const credentials: SimulatorCredentials = {
    clientId: options.credentials?.clientId ?? generatedClientId,
    clientSecret: options.credentials?.clientSecret ?? `test_${randomBytes(36).toString('base64url')}`,
    webhookSecret: options.credentials?.webhookSecret ?? generateWebhookSecret(),
  };
  const environmentId = ids.next('environment');

  const state = new StateStore({
    ids,
    eventIds: new IdGenerator(seed, 3),
    clock: new EventClock(),
    environmentId,
    seed,
    eventHistoryLimit: options.eventHistoryLimit ?? 10_000,
  });
  const api = new ApiRuntime({
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    random: createRandom(seed, 4),
    ...(options.faults?.api === undefined ? {} : { faults: options.faults.api }),
  });
  const webhooks = new WebhookDispatcher({
    secret: credentials.webhookSecret,
    retrySchedule: options.retrySchedule ?? SCALEKIT_RETRY_SCHEDULE_MS,
    timeScale: options.timeScale ?? 1,
    timeoutMs: options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS,
    logLimit: options.deliveryLogLimit ?? 10_000,
    random: createRandom(seed, 5),
    faults: { ...DEFAULT_WEBHOOK_FAULTS, ...options.faults?.webhooks },
  });
  state.onEvent((event) => webhooks.enqueue(event));

  let environmentUrl = '';
  const directoryApi = createDirectoryApi({ state, api, environmentUrl: () => environmentUrl });
  const fastPath = options.fastListing === false ? null : createGrpcFastPath(directoryApi);
  const rpc = connectNodeAdapter({
    routes: directoryApi.routes,
    // Answers are not compressed: on loopback gzip only costs CPU on both sides.
    acceptCompression: [],
  });
  const handler = (
    req: http.IncomingMessage | http2.Http2ServerRequest,
    res: http.ServerResponse | http2.Http2ServerResponse,
  ): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/oauth/token') {
      handleTokenRequest(api, req as http.IncomingMessage, res as http.ServerResponse).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (fastPath?.(req, res)) return;
    if (path === '/' && req.method === 'GET') {
      // A browser pointed at the environment URL learns what it is; nothing secret is shown.
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        `scim-simulator: a local Scalekit environment (${environmentId}).\nDirectory API: gRPC ${DIRECTORY_SERVICE_PATH}/<Method>\nToken endpoint: POST /oauth/token\n`,
      );
      return;
    }
    rpc(req, res);
  };

  const server = await startLoopbackServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    handler: api.latency.wrap(handler),
  });
  environmentUrl = server.url;

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    environmentUrl: server.url,
    environmentId,
    port: server.port,
    seed,
    credentials: Object.freeze({ ...credentials }),
    env: () => ({
      SCALEKIT_ENVIRONMENT_URL: server.url,
      SCALEKIT_CLIENT_ID: credentials.clientId,
      SCALEKIT_CLIENT_SECRET: credentials.clientSecret,
      SCALEKIT_WEBHOOK_SECRET: credentials.webhookSecret,
    }),
    state,
    webhooks,
    api,
    close() {
      closing ??= (async () => {
        webhooks.close();
        await server.close();
        // After the close, which destroyed every connection: requests still waiting would find them gone.
        api.latency.cancelAll();
      })();
      return closing;
    },
  };
}
