import { ScalekitClient } from '@scalekit-sdk/node';
import {
  createScimEngine,
  createWebhookVerifier,
  type MemoryAdapter,
  memoryAdapter,
  type ScimAdapter,
} from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import { startSimulator } from '@scim/simulator';
import { BINDINGS, startApp } from '../apps.js';
import { Capture } from '../capture.js';
import { hostileRequests, send, signedDelivery, userCreated } from '../fixtures.js';
import type { Scenario } from '../scenario.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const DATABASE_PASSWORD = 'pw-Zq8vR2xLm4Tt';
const DATABASE_URL = `postgres://app:${DATABASE_PASSWORD}@db.internal:5432/app`;

/**
 * The memory adapter, except that while `failing` every transaction fails the way a careless driver might:
 * its message quotes the connection string.
 */
function leakyAdapter(inner: MemoryAdapter): ScimAdapter & { failing: boolean } {
  const adapter = Object.create(inner) as ScimAdapter & { failing: boolean };
  adapter.failing = false;
  adapter.transaction = (fn) => {
    if (adapter.failing) {
      return Promise.reject(
        new AdapterError('STORAGE_FAILURE', `could not connect to ${DATABASE_URL}`, {
          cause: new Error(`password authentication failed (password ${DATABASE_PASSWORD})`),
        }),
      );
    }
    return inner.transaction(fn);
  };
  return adapter;
}

export const secretsScenario: Scenario = {
  id: 'secrets',
  title: 'Secrets never reach logs, answers or errors',
  kind: 'correctness',
  injected: `Valid, duplicate and all hostile deliveries to both bindings (engine and binding logs captured, Fastify's own logger at debug level), a storage failure whose driver message quotes a database URL with its password, a secret that fails to decode, Directory API syncs with transient faults and with a wrong client secret, console and stdout/stderr captured throughout.`,
  checked:
    'None of the webhook secret (whole, or its key without the whsec_ prefix), the Directory API client secret, the database password, nor the email address of any delivered user appears in any log line, HTTP answer, onError error (message, stack, cause chain), thrown error, or console output.',
  async run(r) {
    const sim = await startSimulator({ seed: 5, timeScale: 0.0001 });
    const capture = new Capture();
    const stopConsole = capture.console();
    const secret = sim.credentials.webhookSecret;
    const emails: string[] = [];
    try {
      for (const binding of BINDINGS) {
        const adapter = leakyAdapter(memoryAdapter());
        const engine = createScimEngine({
          adapter,
          webhookSecret: secret,
          logger: capture.logger(`${binding} engine log`),
        });
        const frameworkLines: string[] = [];
        const app = await startApp(binding, engine, {
          ...(binding === 'express' ? { logger: capture.logger('express binding log') } : { frameworkLines }),
          onError: (error) => capture.error(`${binding} onError`, error),
        });
        try {
          const answer = async (label: string, delivery: Parameters<typeof send>[1]) => {
            const result = await send(app.url, delivery);
            capture.add(
              `${binding} answer (${label})`,
              `${result.status} ${JSON.stringify(result.headers)} ${result.text}`,
            );
            return result;
          };
          for (let i = 0; i < 20; i++) {
            const email = `leak-check-${binding}-${i}@example.com`;
            emails.push(email);
            const delivery = signedDelivery(
              secret,
              userCreated({ id: `evt_${binding}_${i}` }, { id: `diruser_${i}`, email }),
              { timestamp: nowSeconds() },
            );
            r.equal((await answer('valid', delivery)).status, 201, `${binding}: valid delivery ${i}`);
            r.equal((await answer('duplicate', delivery)).status, 200, `${binding}: duplicate delivery ${i}`);
          }
          for (const hostile of hostileRequests(secret, nowSeconds())) {
            await answer(hostile.name, { headers: hostile.headers, body: hostile.body });
          }
          adapter.failing = true;
          const failed = await answer(
            'storage failure',
            signedDelivery(
              secret,
              userCreated({ id: `evt_${binding}_fail` }, { email: `leak-check-${binding}-fail@example.com` }),
              { timestamp: nowSeconds() },
            ),
          );
          emails.push(`leak-check-${binding}-fail@example.com`);
          r.equal(failed.status, 500, `${binding}: a storage failure answers 500`);
          adapter.failing = false;
        } finally {
          await app.close();
        }
        for (const line of frameworkLines) capture.add('fastify logger', line);
      }

      try {
        createWebhookVerifier({ secret: `whsec_${DATABASE_PASSWORD}!!` });
        r.check(false, 'a secret that is not base64 was accepted');
      } catch (error) {
        capture.error('bad secret configuration error', error);
      }

      const { organization, directory } = sim.state.seed({ users: 60, groups: 5 });
      const syncLog = capture.logger('sync log');
      const good = createScimEngine({
        adapter: memoryAdapter(),
        logger: syncLog,
        scalekit: new ScalekitClient(sim.url, sim.credentials.clientId, sim.credentials.clientSecret),
        sync: { retryBaseMs: 5, pageSize: 10 },
      });
      sim.api.failNext(3);
      const report = await good.sync({ organizationId: organization.id, directoryId: directory.id });
      r.equal(report.users.created, 60, 'sync through transient API faults: users created');
      r.equal(sim.api.stats().injectedFaults, 3, 'Directory API faults injected and survived');
      capture.add(
        'sync report',
        JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      );

      const wrong = createScimEngine({
        adapter: memoryAdapter(),
        logger: syncLog,
        scalekit: new ScalekitClient(sim.url, sim.credentials.clientId, `${sim.credentials.clientSecret}x`),
        sync: { retryBaseMs: 5, maxRetries: 1 },
      });
      try {
        await wrong.sync({ organizationId: organization.id, directoryId: directory.id });
        r.check(false, 'a sync with a wrong client secret succeeded');
      } catch (error) {
        capture.error('sync with a wrong client secret', error);
      }
    } finally {
      stopConsole();
      await sim.close();
    }

    const key = secret.slice('whsec_'.length);
    const hits = capture.find({
      'webhook secret': secret,
      'webhook signing key': key,
      'client secret': sim.credentials.clientSecret,
      'database password': DATABASE_PASSWORD,
      ...Object.fromEntries(emails.map((email) => [`user email ${email}`, email])),
    });
    for (const hit of hits) r.check(false, hit);
    r.figure('texts captured (log lines, answers, errors, console writes)', capture.texts.length);
    r.figure('characters scanned', capture.bytes);
    r.figure('secrets searched for', 4);
    r.figure('user emails searched for (payload PII)', emails.length);
    r.figure('occurrences found', hits.length);
    const sources = new Map<string, number>();
    for (const { source } of capture.texts) {
      const kind = source.replace(/ \(.*\)$/, '');
      sources.set(kind, (sources.get(kind) ?? 0) + 1);
    }
    r.table({ title: 'What was captured', columns: ['source', 'texts'], rows: [...sources] });
  },
};
