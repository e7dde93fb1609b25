import type { ScimStore } from './adapter/contract.js';
import { Applier } from './apply/applier.js';
import { compileRoleMapping } from './apply/policies.js';
import { serviceUserLayer } from './apply/service-layer.js';
import { tableUserLayer, type UserLayer } from './apply/user-layer.js';
import { Dispatcher } from './engine/dispatcher.js';
import type { ScimEngine, ScimEngineOptions } from './engine-options.js';
import { ScimError } from './errors.js';
import { consoleLogger } from './logger.js';
import { registerSecret } from './redact.js';
import { ResourceWriter } from './resources/resource-writer.js';
import { syncLeaseHolders } from './sync/lease.js';
import { scheduleSyncs } from './sync/schedule.js';
import type { SyncContext } from './sync/scope.js';
import { DEFAULT_SYNC_SETTINGS, SyncRun } from './sync/sync.js';
import type { DirectoryApiClient, SyncEngineOptions } from './sync/types.js';
import { createWebhookHandler } from './webhook/handle-webhook.js';
import { createWebhookVerifier } from './webhook/verify.js';

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

/** Retries of an event's transaction after a conflict: a delivery that still fails is redelivered anyway. */
const DEFAULT_CONFLICT_RETRIES = 3;
/**
 * Retries of a sync batch's transaction after a conflict. A batch holds hundreds of users and nobody
 * redelivers it; under racing webhooks each conflict is another writer's commit (a user created by a
 * webhook while the batch read it as new), so running it again makes progress: the sync gets more tries
 * before it fails (seen: four conflicts in a row on a busy machine, with webhooks creating users while
 * the last pages were written).
 */
const DEFAULT_SYNC_CONFLICT_RETRIES = 10;

/**
 * Creates the engine: webhook handling and event application over one storage adapter.
 *
 * ```ts
 * const engine = createScimEngine({ adapter: memoryAdapter() });
 * const { status, body } = await engine.handleWebhook({ headers: req.headers, rawBody });
 * ```
 */
export function createScimEngine<Tx = unknown>(options: ScimEngineOptions<Tx>): ScimEngine<Tx> {
  const { adapter } = options;
  if (adapter === undefined || adapter === null || typeof adapter.transaction !== 'function') {
    throw new ScimError('CONFIGURATION_ERROR', 'createScimEngine needs a storage adapter (options.adapter)');
  }
  const logger = options.logger ?? consoleLogger();
  const now = options.now ?? (() => new Date());
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const conflictRetries = options.conflictRetries ?? DEFAULT_CONFLICT_RETRIES;
  const maxBatchSize = batchLimit(adapter.capabilities.maxBatchSize);
  const applier = new Applier({
    deprovision: deprovisionPolicy(options.deprovision),
    roles: compileRoleMapping(options.groupRoles, options.defaultRoles),
    hooks: options.hooks ?? {},
    logger,
    directoryDisabled: options.directoryDisabled ?? 'record',
    users: userLayer(options, maxBatchSize),
    maxBatchSize,
    transactions: adapter.capabilities.transactions,
  });
  const scimOnly = directScim(options, now);
  const batching = eventBatching(options.eventBatching);
  const dispatcher = new Dispatcher({
    adapter,
    applier,
    logger,
    now,
    conflictRetries,
    batching,
    ...(scimOnly === undefined ? {} : { scimOnly }),
  });
  const resources = new ResourceWriter({
    adapter,
    applier,
    logger,
    conflictRetries,
    batching: batching === null ? null : { concurrency: batching.concurrency, maxItems: batching.maxEvents },
  });

  const secret = options.webhookSecret ?? process.env.SCALEKIT_WEBHOOK_SECRET;
  for (const value of [secret ?? []].flat()) {
    registerSecret(value);
    registerSecret(value.startsWith('whsec_') ? value.slice('whsec_'.length) : undefined);
  }
  registerSecret(process.env.SCALEKIT_CLIENT_SECRET);
  // Built once: the secret is decoded a single time, and a bad secret fails at startup.
  const verify =
    secret === undefined || secret === '' || (Array.isArray(secret) && secret.length === 0)
      ? null
      : createWebhookVerifier({
          secret,
          toleranceSeconds: options.webhookToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
          now: () => now().getTime(),
        });

  const handleWebhook = createWebhookHandler({
    verify,
    maxBodyBytes,
    logger,
    apply: (event) => dispatcher.apply(event),
  });

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
  const syncContext: SyncContext = {
    adapter,
    applier,
    client: getClient,
    logger,
    now,
    conflictRetries: options.conflictRetries ?? DEFAULT_SYNC_CONFLICT_RETRIES,
    settings: syncSettings(options.sync, maxBatchSize),
    ...(scimOnly === undefined ? {} : { scimOnly }),
  };
  const sync: ScimEngine['sync'] = (syncOptions) => new SyncRun(syncContext, syncOptions).run();

  return {
    adapter,
    maxBodyBytes,
    handleWebhook,
    applyEvent: (event) => dispatcher.apply(event),
    sync,
    scheduleSync: (scheduleOptions) => scheduleSyncs(sync, scheduleOptions, logger),
    events: (query = {}) => adapter.listEvents({ ...query, limit: eventLimit(query.limit) }),
    replay: (eventId) => dispatcher.replay(eventId),
    syncStatus: (organizationId) => adapter.listSyncStates(organizationId),
    syncLeases: (organizationId, directoryIds) => syncLeaseHolders(adapter, organizationId, directoryIds, now()),
    writeResource: (write) => {
      if (scimOnly === undefined) {
        return Promise.reject(
          new ScimError('CONFIGURATION_ERROR', 'writeResource needs an engine created with directScim: true'),
        );
      }
      return resources.write(write);
    },
  };
}

/** With `directScim`: an organization is provisioned by direct SCIM while it holds an unexpired token. */
function directScim<Tx>(
  options: ScimEngineOptions<Tx>,
  now: () => Date,
): ((store: ScimStore, organizationId: string) => Promise<boolean>) | undefined {
  if (options.directScim !== true) return undefined;
  if (options.adapter.capabilities.scimResources !== true) {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      `directScim needs an adapter that keeps SCIM resources (${options.adapter.name} does not)`,
    );
  }
  return async (store, organizationId) => {
    const at = now().getTime();
    return (await store.listTokens!(organizationId)).some((t) => t.expiresAt === null || t.expiresAt.getTime() > at);
  };
}

function eventLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1)
    throw new ScimError('CONFIGURATION_ERROR', 'events: limit must be a whole number of at least 1');
  return limit;
}

/** The app's service functions when given, else the adapter's table mapping; a clear error without either. */
function userLayer<Tx>(options: ScimEngineOptions<Tx>, maxBatchSize: number): UserLayer {
  const { users, linkByEmail, adapter } = options;
  if (linkByEmail !== undefined && typeof linkByEmail !== 'function') {
    throw new ScimError('CONFIGURATION_ERROR', 'linkByEmail must be a function');
  }
  if (users !== undefined) {
    for (const name of ['create', 'update', 'deactivate'] as const) {
      if (typeof users?.[name] !== 'function') {
        throw new ScimError('CONFIGURATION_ERROR', `users.${name} must be a function (the app's own user function)`);
      }
    }
    if (linkByEmail !== undefined) {
      throw new ScimError(
        'CONFIGURATION_ERROR',
        'linkByEmail is for a table mapping; with users, link in users.findExisting',
      );
    }
    return serviceUserLayer(users, maxBatchSize);
  }
  if (adapter.capabilities.userTable === false) {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      `The ${adapter.name} adapter has no users table mapping: give the engine your user functions (users: { create, update, deactivate })`,
    );
  }
  if (linkByEmail !== undefined && adapter.capabilities.linkByEmail !== true) {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      `The ${adapter.name} adapter's mapping cannot link users by email (it needs an email column)`,
    );
  }
  return tableUserLayer(maxBatchSize, linkByEmail ?? null);
}

/** The adapter's largest call, as a whole number of at least 1 (no limit when it declares none). */
function batchLimit(maxBatchSize: number): number {
  return Number.isFinite(maxBatchSize) && maxBatchSize >= 1 ? Math.floor(maxBatchSize) : Number.MAX_SAFE_INTEGER;
}

function deprovisionPolicy(policy: ScimEngineOptions['deprovision']): NonNullable<ScimEngineOptions['deprovision']> {
  if (policy === undefined) return 'deactivate';
  if (policy === 'deactivate' || policy === 'delete' || typeof policy === 'function') return policy;
  throw new ScimError('CONFIGURATION_ERROR', `deprovision must be 'deactivate', 'delete' or a function`);
}

/** The sync's settings, checked; a batch never exceeds what the adapter accepts in one call. */
function syncSettings(given: SyncEngineOptions | undefined, maxBatchSize: number): Required<SyncEngineOptions> {
  const settings = { ...DEFAULT_SYNC_SETTINGS, ...given };
  const whole = (name: keyof SyncEngineOptions, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const value = settings[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new ScimError(
        'CONFIGURATION_ERROR',
        `sync.${name} must be a whole number from ${min} to ${max} (got ${String(value)})`,
      );
    }
  };
  whole('concurrency', 1);
  whole('batchSize', 1);
  // Scalekit's own limits: 100 users and 30 groups a page.
  whole('pageSize', 1, 100);
  whole('groupPageSize', 1, 30);
  whole('maxRetries', 0);
  whole('guardMinUsers', 0);
  if (!(settings.maxDeprovisionShare >= 0 && settings.maxDeprovisionShare <= 1)) {
    throw new ScimError('CONFIGURATION_ERROR', 'sync.maxDeprovisionShare must be between 0 and 1');
  }
  settings.batchSize = Math.min(settings.batchSize, maxBatchSize);
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
