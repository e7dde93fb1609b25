export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Everything the app reads from its environment, read once at startup. */
export interface Config {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The MongoDB connection string. Never logged: it may hold a password. */
  mongodbUri: string;
  /** Scalekit's environment; when absent the app starts a local @scim/simulator instead. */
  scalekit: { environmentUrl: string; clientId: string; clientSecret: string; webhookSecret: string } | undefined;
  /**
   * SCALEKIT_WEBHOOK_SECRET, honoured in every mode: with a local simulator too, which then signs with it, so
   * that deliveries signed by anyone holding it (another simulator, a test, a replay) verify.
   */
  webhookSecret: string | undefined;
  /** Bearer token of the admin routes; the admin routes are off without one. */
  adminToken: string | undefined;
  /** Reconcile every organization this often; 0 turns the schedule off. */
  syncIntervalMs: number;
  logLevel: LogLevel;
}

/** A setting the app cannot start with; main prints its message alone, without a stack. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const MONGODB_SCHEME = /^mongodb(\+srv)?:\/\//;

function mongodbUri(env: NodeJS.ProcessEnv): string {
  const uri = env.MONGODB_URI || undefined;
  // DATABASE_URL is the variable the other examples read; a MongoDB URL there is taken too.
  const fallback = env.DATABASE_URL && MONGODB_SCHEME.test(env.DATABASE_URL) ? env.DATABASE_URL : undefined;
  const chosen = uri ?? fallback;
  if (chosen === undefined) {
    throw new ConfigError(
      'MONGODB_URI is required: this example keeps its users in MongoDB and has no embedded database. ' +
        'Set it to a replica set (transactions) or a standalone mongod, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/app',
    );
  }
  if (!MONGODB_SCHEME.test(chosen)) {
    throw new ConfigError('MONGODB_URI must start with mongodb:// or mongodb+srv://');
  }
  return chosen;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number >= 0, got "${raw}"`);
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const scalekitVars = ['SCALEKIT_ENVIRONMENT_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET'] as const;
  const present = scalekitVars.filter((name) => env[name]);
  if (present.length > 0 && present.length < scalekitVars.length) {
    throw new ConfigError(`set all of ${scalekitVars.join(', ')} or none of them (none starts a local simulator)`);
  }
  if (present.length > 0 && !env.SCALEKIT_WEBHOOK_SECRET) {
    throw new ConfigError('SCALEKIT_WEBHOOK_SECRET is required with a Scalekit environment (Dashboard > Webhooks)');
  }
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000),
    mongodbUri: mongodbUri(env),
    scalekit:
      present.length === 0
        ? undefined
        : {
            environmentUrl: env.SCALEKIT_ENVIRONMENT_URL!,
            clientId: env.SCALEKIT_CLIENT_ID!,
            clientSecret: env.SCALEKIT_CLIENT_SECRET!,
            webhookSecret: env.SCALEKIT_WEBHOOK_SECRET!,
          },
    webhookSecret: env.SCALEKIT_WEBHOOK_SECRET || undefined,
    adminToken: env.ADMIN_TOKEN || undefined,
    syncIntervalMs: integer(env, 'SCIM_SYNC_INTERVAL_MS', 15 * 60_000),
    logLevel,
  };
}

/**
 * One startup line: which Scalekit the app talks to and where its webhook secret comes from (never the
 * secret). `simulatorUrl`: the local simulator started because the Scalekit variables are not set.
 */
export function describeScalekit(config: Pick<Config, 'scalekit' | 'webhookSecret'>, simulatorUrl?: string): string {
  const scalekit =
    config.scalekit !== undefined
      ? `${config.scalekit.environmentUrl} (SCALEKIT_ENVIRONMENT_URL)`
      : `a local simulator at ${simulatorUrl ?? '(not started)'} (SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET are not set)`;
  const secret =
    config.webhookSecret !== undefined
      ? config.scalekit !== undefined
        ? 'SCALEKIT_WEBHOOK_SECRET'
        : 'SCALEKIT_WEBHOOK_SECRET (the simulator signs with it too)'
      : "the simulator's own, generated at startup (SCALEKIT_WEBHOOK_SECRET is not set)";
  return `scalekit: ${scalekit}; webhook secret: ${secret}`;
}
