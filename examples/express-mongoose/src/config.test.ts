import { describe, expect, it } from 'vitest';
import { ConfigError, describeScalekit, readConfig } from './config.js';

const MONGO = { MONGODB_URI: 'mongodb://127.0.0.1:27017/app' };

describe('readConfig', () => {
  it('refuses to start without MONGODB_URI, saying there is no embedded database', () => {
    expect(() => readConfig({})).toThrow(ConfigError);
    expect(() => readConfig({})).toThrow(/MONGODB_URI is required.*no embedded database/);
  });

  it('takes a MongoDB URL from DATABASE_URL, and nothing else from it', () => {
    expect(readConfig({ DATABASE_URL: 'mongodb+srv://cluster.example.net/app' }).mongodbUri).toBe(
      'mongodb+srv://cluster.example.net/app',
    );
    expect(() => readConfig({ DATABASE_URL: 'postgres://127.0.0.1/app' })).toThrow(/MONGODB_URI is required/);
    expect(readConfig({ ...MONGO, DATABASE_URL: 'mongodb://elsewhere/x' }).mongodbUri).toBe(MONGO.MONGODB_URI);
  });

  it('refuses a MONGODB_URI that is not a MongoDB URL', () => {
    expect(() => readConfig({ MONGODB_URI: 'postgres://127.0.0.1/app' })).toThrow(/mongodb:\/\/ or mongodb\+srv:\/\//);
  });

  it('has defaults for everything else: a local simulator, no admin route, a 15-minute reconcile', () => {
    expect(readConfig(MONGO)).toEqual({
      host: '127.0.0.1',
      port: 3000,
      mongodbUri: MONGO.MONGODB_URI,
      scalekit: undefined,
      webhookSecret: undefined,
      adminToken: undefined,
      syncIntervalMs: 15 * 60_000,
      logLevel: 'info',
    });
  });

  it('reads PORT=0, HOST, ADMIN_TOKEN, SCIM_SYNC_INTERVAL_MS=0 and LOG_LEVEL', () => {
    const config = readConfig({
      ...MONGO,
      PORT: '0',
      HOST: '0.0.0.0',
      ADMIN_TOKEN: 't0ken',
      SCIM_SYNC_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      adminToken: 't0ken',
      syncIntervalMs: 0,
      logLevel: 'warn',
    });
  });

  it('refuses numbers and levels it cannot use', () => {
    expect(() => readConfig({ ...MONGO, PORT: 'http' })).toThrow(/PORT must be a whole number/);
    expect(() => readConfig({ ...MONGO, SCIM_SYNC_INTERVAL_MS: '-5' })).toThrow(/SCIM_SYNC_INTERVAL_MS/);
    expect(() => readConfig({ ...MONGO, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of/);
  });

  it('takes all four SCALEKIT_* variables, or none', () => {
    const scalekit = {
      SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.dev',
      SCALEKIT_CLIENT_ID: 'skc_1',
      SCALEKIT_CLIENT_SECRET: 'secret',
      SCALEKIT_WEBHOOK_SECRET: 'whsec_x',
    };
    expect(readConfig({ ...MONGO, ...scalekit }).scalekit).toEqual({
      environmentUrl: scalekit.SCALEKIT_ENVIRONMENT_URL,
      clientId: scalekit.SCALEKIT_CLIENT_ID,
      clientSecret: scalekit.SCALEKIT_CLIENT_SECRET,
      webhookSecret: scalekit.SCALEKIT_WEBHOOK_SECRET,
    });
    expect(() => readConfig({ ...MONGO, SCALEKIT_CLIENT_ID: 'skc_1' })).toThrow(/set all of/);
    expect(() => readConfig({ ...MONGO, ...scalekit, SCALEKIT_WEBHOOK_SECRET: '' })).toThrow(
      /SCALEKIT_WEBHOOK_SECRET is required/,
    );
  });

  it('keeps SCALEKIT_WEBHOOK_SECRET without the other three variables (the local simulator signs with it)', () => {
    const config = readConfig({ ...MONGO, SCALEKIT_WEBHOOK_SECRET: 'whsec_c2VjcmV0' });
    expect(config.scalekit).toBeUndefined();
    expect(config.webhookSecret).toBe('whsec_c2VjcmV0');
  });

  it('says which Scalekit and which webhook secret in one line, never the secret', () => {
    const real = readConfig({
      ...MONGO,
      SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.dev',
      SCALEKIT_CLIENT_ID: 'skc_1',
      SCALEKIT_CLIENT_SECRET: 'secret',
      SCALEKIT_WEBHOOK_SECRET: 'whsec_c2VjcmV0',
    });
    expect(describeScalekit(real)).toBe(
      'scalekit: https://acme.scalekit.dev (SCALEKIT_ENVIRONMENT_URL); webhook secret: SCALEKIT_WEBHOOK_SECRET',
    );
    const own = describeScalekit(
      readConfig({ ...MONGO, SCALEKIT_WEBHOOK_SECRET: 'whsec_c2VjcmV0' }),
      'http://127.0.0.1:9',
    );
    expect(own).toContain('a local simulator at http://127.0.0.1:9');
    expect(own).toContain('webhook secret: SCALEKIT_WEBHOOK_SECRET (the simulator signs with it too)');
    expect(describeScalekit(readConfig(MONGO), 'http://127.0.0.1:9')).toContain(
      "webhook secret: the simulator's own, generated at startup (SCALEKIT_WEBHOOK_SECRET is not set)",
    );
    expect(`${describeScalekit(real)} ${own}`).not.toContain('c2VjcmV0');
  });
});
