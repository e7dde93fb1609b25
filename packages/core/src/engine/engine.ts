import { ScimError } from '../errors.js';
import { parseDirectoryEventJson } from '../events/parse.js';
import { consoleLogger } from '../logger.js';
import { scheduleSyncs } from '../sync/schedule.js';
import { DEFAULT_SYNC_SETTINGS, SyncRun } from '../sync/sync.js';
import type { DirectoryApiClient, SyncEngineOptions } from '../sync/types.js';
import { createWebhookVerifier } from '../webhook/verify.js';
import { Dispatcher } from './dispatcher.js';
import { compileRoleMapping } from './policies.js';
import type { ScimEngine, ScimEngineOptions, WebhookRequest, WebhookResponse } from './types.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const CLIENT_VARIABLES = ['SCALEKIT_ENVIRONMENT_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET'] as const;

/** A `ScalekitClient` from the `SCALEKIT_*` variables; `@scalekit-sdk/node` is loaded only then. */
async function clientFromEnvironment(): Promise<DirectoryApiClient> {
  const missing = CLIENT_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      `sync needs a Scalekit client: pass options.scalekit or set ${missing.join(', ')}`,
    );
  }
  type ClientConstructor = new (url: string, clientId: string, clientSecret: string) => DirectoryApiClient;
  let sdk: { ScalekitClient?: ClientConstructor; default?: { ScalekitClient?: ClientConstructor } };
  try {
    sdk = (await import('@scalekit-sdk/node')) as unknown as typeof sdk;
  } catch (error) {
    throw new ScimError('CONFIGURATION_ERROR', 'sync needs @scalekit-sdk/node: install it beside @scim/core', {
      cause: error,
    });
  }
  const ScalekitClient = sdk.ScalekitClient ?? sdk.default?.ScalekitClient;
  if (ScalekitClient === undefined) {
    throw new ScimError('CONFIGURATION_ERROR', '@scalekit-sdk/node does not export ScalekitClient');
  }
  return new ScalekitClient(
    process.env.SCALEKIT_ENVIRONMENT_URL!,
    process.env.SCALEKIT_CLIENT_ID!,
    process.env.SCALEKIT_CLIENT_SECRET!,
  );
}
export const DEFAULT_TOLERANCE_SECONDS = 300;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

function failure(status: number, code: string, message: string, eventId?: string): WebhookResponse {
  return { status, body: { status: 'error', code, message, ...(eventId === undefined ? {} : { eventId }) } };
}

/**
 * Creates the engine: webhook handling and event application over one storage adapter.
 *
 * ```ts
 * const engine = createScimEngine({ adapter: memoryAdapter() });
 * const { status, body } = await engine.handleWebhook({ headers: req.headers, rawBody });
 * ```
 */
export function createScimEngine(options: ScimEngineOptions): ScimEngine {
  const { adapter } = options;
  if (adapter === undefined || adapter === null || typeof adapter.transaction !== 'function') {
    throw new ScimError('CONFIGURATION_ERROR', 'createScimEngine needs a storage adapter (options.adapter)');
  }
  const logger = options.logger ?? consoleLogger();
  const now = options.now ?? (() => new Date());
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const roles = compileRoleMapping(options.groupRoles, options.defaultRoles);
  const conflictRetries = options.conflictRetries ?? 3;
  const dispatcher = new Dispatcher({
    adapter,
    deprovision: options.deprovision ?? 'deactivate',
    roles,
    directoryDisabled: options.directoryDisabled ?? 'record',
    hooks: options.hooks ?? {},
    logger,
    now,
    conflictRetries,
    batching: eventBatching(options.eventBatching),
  });

  const secret = options.webhookSecret ?? process.env.SCALEKIT_WEBHOOK_SECRET;
  // Built once: the secret is decoded a single time, and a bad secret fails at startup.
  const verify =
    secret === undefined || secret === '' || (Array.isArray(secret) && secret.length === 0)
      ? null
      : createWebhookVerifier({
          secret,
          toleranceSeconds: options.webhookToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
          now: () => now().getTime(),
        });

  async function handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    const { headers, rawBody } = request;
    if (verify === null) {
      logger.error('webhook received but no webhook secret is configured (SCALEKIT_WEBHOOK_SECRET)');
      return failure(500, 'CONFIGURATION_ERROR', 'The webhook secret is not configured');
    }
    if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
      logger.error('webhook body is not raw: pass the bytes as received, before any JSON parser');
      return failure(500, 'CONFIGURATION_ERROR', 'The raw request body is not available');
    }
    if (byteLength(rawBody) > maxBodyBytes) {
      logger.warn('webhook rejected', { reason: 'PAYLOAD_TOO_LARGE', bytes: byteLength(rawBody) });
      return failure(413, 'PAYLOAD_TOO_LARGE', `The body exceeds ${maxBodyBytes} bytes`);
    }
    const verdict = verify(headers, rawBody);
    if (!verdict.ok) {
      logger.warn('webhook rejected', { reason: verdict.reason });
      return failure(400, 'INVALID_SIGNATURE', verdict.message);
    }
    let event: ReturnType<typeof parseDirectoryEventJson>;
    try {
      const text = typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody);
      event = parseDirectoryEventJson(text);
    } catch (error) {
      const message = error instanceof ScimError ? error.message : 'The body is not valid UTF-8';
      logger.warn('webhook rejected', { reason: 'INVALID_PAYLOAD', webhookId: verdict.id });
      return failure(400, 'INVALID_PAYLOAD', message);
    }
    try {
      const result = await dispatcher.apply(event);
      const status = result.outcome === 'applied' ? 201 : 200;
      return {
        status,
        body: { status: result.outcome === 'applied' ? 'processed' : result.outcome, eventId: event.id },
      };
    } catch (error) {
      const code = error instanceof ScimError ? error.code : 'STORAGE_FAILURE';
      logger.error('webhook could not be committed; Scalekit will retry', {
        eventId: event.id,
        type: event.type,
        organizationId: event.organizationId,
        code,
        error: error instanceof Error ? error.name : typeof error,
      });
      return failure(500, code, 'The change could not be committed; retry later', event.id);
    }
  }

  let client: Promise<DirectoryApiClient> | undefined;
  const getClient = () => {
    if (client === undefined) {
      const created = options.scalekit !== undefined ? Promise.resolve(options.scalekit) : clientFromEnvironment();
      // A failed construction is not cached: fixing the environment and calling again works.
      created.catch(() => {
        if (client === created) client = undefined;
      });
      client = created;
    }
    return client;
  };
  const syncContext = {
    adapter,
    client: getClient,
    deprovision: options.deprovision ?? 'deactivate',
    roles,
    hooks: options.hooks ?? {},
    logger,
    now,
    conflictRetries,
    settings: syncSettings(options.sync, adapter.capabilities.maxBatchSize),
  };
  const sync: ScimEngine['sync'] = (syncOptions) => new SyncRun(syncContext, syncOptions).run();

  return {
    adapter,
    maxBodyBytes,
    handleWebhook,
    applyEvent: (event) => dispatcher.apply(event),
    sync,
    scheduleSync: (scheduleOptions) => scheduleSyncs(sync, scheduleOptions, logger),
  };
}

/** The sync's settings; a batch never exceeds what the adapter accepts in one call. */
function syncSettings(given: SyncEngineOptions | undefined, maxBatchSize: number): Required<SyncEngineOptions> {
  const settings = { ...DEFAULT_SYNC_SETTINGS, ...given };
  if (!Number.isInteger(settings.concurrency) || settings.concurrency < 1) {
    throw new ScimError('CONFIGURATION_ERROR', 'sync.concurrency must be a whole number of at least 1');
  }
  if (Number.isFinite(maxBatchSize) && maxBatchSize >= 1) {
    settings.batchSize = Math.max(1, Math.min(settings.batchSize, Math.floor(maxBatchSize)));
  }
  return settings;
}

function eventBatching(option: ScimEngineOptions['eventBatching']): { concurrency: number; maxEvents: number } | null {
  if (option === false) return null;
  const concurrency = option?.concurrency ?? 4;
  const maxEvents = option?.maxEvents ?? 64;
  for (const [name, value] of [
    ['concurrency', concurrency],
    ['maxEvents', maxEvents],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ScimError('CONFIGURATION_ERROR', `eventBatching.${name} must be a positive integer (got ${value})`);
    }
  }
  return { concurrency, maxEvents };
}
