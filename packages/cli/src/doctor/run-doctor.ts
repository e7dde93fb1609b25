import type { ScimEngine } from '@scim/core';
import { loadConfig, type ScimCliConfig } from '../config.js';
import { CliError, explainError } from '../errors.js';
import type { CliIO } from '../io.js';
import { checkClock, type RemoteClock, scalekitClock } from './clock-check.js';
import { checkDatabase, databaseFailure } from './database-check.js';
import { checkEnv, readScalekitEnv } from './env-check.js';
import { checkScalekit } from './scalekit-check.js';
import { type CheckResult, check } from './types.js';
import { checkWebhook } from './webhook-check.js';

export interface DoctorOptions {
  /** Path of the app's scim.config (default: found in the app's folder). */
  config?: string;
  /** The webhook URL to probe (default: the config's webhookUrl). */
  url?: string;
  /** Organizations to look up in Scalekit (default: the config's organizations()). */
  orgs?: readonly string[];
  /** This machine's clock, in milliseconds. */
  now?: () => number;
}

interface LoadedApp {
  config?: ScimCliConfig;
  engine?: ScimEngine;
  /** Why there is no engine: the config is missing or throws, or the engine could not be built. */
  failure?: CheckResult;
}

async function loadApp(io: CliIO, given: string | undefined): Promise<LoadedApp> {
  let config: ScimCliConfig;
  try {
    ({ config } = await loadConfig(io.cwd, given));
  } catch (error) {
    const hint = error instanceof CliError ? error.hint : undefined;
    return {
      failure: check('database', 'Database', 'fail', `no engine to check: ${explainError(error).join(' / ')}`, {
        fix: hint ?? 'Fix scim.config so that it loads (the cause is above).',
      }),
    };
  }
  try {
    return { config, engine: await config.engine() };
  } catch (error) {
    return { config, failure: databaseFailure(error, 'unknown') };
  }
}

/**
 * Every check of `scim doctor`, in the order a setup is built: the variables, Scalekit, the database, the
 * webhook route, the clock. A check that depends on a failed one is skipped, not failed twice.
 */
export async function runDoctor(io: CliIO, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const now = options.now ?? Date.now;
  const env = readScalekitEnv(io);
  const results = checkEnv(env);
  const ok = (name: string) => results.find((r) => r.id === `env.${name}`)?.status === 'pass';

  const app = await loadApp(io, options.config);
  try {
    let organizations = options.orgs ?? [];
    if (organizations.length === 0 && app.config?.organizations) {
      try {
        organizations = await app.config.organizations();
      } catch (error) {
        results.push(
          check(
            'scalekit.organizations',
            'Organizations',
            'fail',
            `organizations() of scim.config failed: ${explainError(error).join(' / ')}`,
          ),
        );
      }
    }

    const environmentUrl = env.SCALEKIT_ENVIRONMENT_URL?.value;
    if (ok('SCALEKIT_ENVIRONMENT_URL') && ok('SCALEKIT_CLIENT_ID') && ok('SCALEKIT_CLIENT_SECRET')) {
      results.push(
        ...(await checkScalekit(
          {
            environmentUrl: new URL(environmentUrl!).origin,
            clientId: env.SCALEKIT_CLIENT_ID!.value,
            clientSecret: env.SCALEKIT_CLIENT_SECRET!.value,
          },
          organizations,
        )),
      );
    } else {
      results.push(
        check(
          'scalekit.credentials',
          'Scalekit credentials',
          'skip',
          'not tried: a SCALEKIT_* variable above is missing or malformed',
        ),
      );
    }

    results.push(app.engine ? await checkDatabase(app.engine) : app.failure!);

    const url = options.url ?? app.config?.webhookUrl;
    let appClock: RemoteClock | undefined;
    if (url === undefined) {
      results.push(
        check('webhook.signed', 'Webhook route', 'fail', 'no URL to probe', {
          fix: 'Pass --url http://localhost:3000/webhooks/scalekit, or set webhookUrl in scim.config.',
        }),
      );
    } else if (!ok('SCALEKIT_WEBHOOK_SECRET')) {
      results.push(
        check(
          'webhook.signed',
          `Webhook route ${url}`,
          'skip',
          'not tried: SCALEKIT_WEBHOOK_SECRET is missing or malformed',
        ),
      );
    } else {
      const webhook = await checkWebhook({ url, secret: env.SCALEKIT_WEBHOOK_SECRET!.value, engine: app.engine, now });
      results.push(...webhook.results);
      appClock = webhook.appClock;
    }

    const scalekit = ok('SCALEKIT_ENVIRONMENT_URL')
      ? await scalekitClock(new URL(environmentUrl!).origin, now)
      : undefined;
    results.push(checkClock(scalekit, appClock));
    return results;
  } finally {
    await app.config?.close?.();
  }
}
