/** Everything the app reads from its environment, read once at startup. */
export interface Config {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** PostgreSQL when set; otherwise an embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
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
  logLevel: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const scalekitVars = ['SCALEKIT_ENVIRONMENT_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET'] as const;
  const present = scalekitVars.filter((name) => env[name]);
  if (present.length > 0 && present.length < scalekitVars.length) {
    throw new Error(`set all of ${scalekitVars.join(', ')} or none of them (none starts a local simulator)`);
  }
  if (present.length > 0 && !env.SCALEKIT_WEBHOOK_SECRET) {
    throw new Error('SCALEKIT_WEBHOOK_SECRET is required with a Scalekit environment (Dashboard > Webhooks)');
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR ?? '.data',
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
    syncIntervalMs: Number(env.SCIM_SYNC_INTERVAL_MS ?? 15 * 60_000),
    logLevel: env.LOG_LEVEL ?? 'info',
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
