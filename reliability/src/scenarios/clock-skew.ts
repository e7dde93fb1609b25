import { ScalekitClient } from '@scalekit-sdk/node';
import { createScimEngine, memoryAdapter, silentLogger } from '@scim/core';
import { generateWebhookSecret } from '@scim/core/testing';
import { startSimulator } from '@scim/simulator';
import { BINDINGS, startApp } from '../apps.js';
import { NOW, NOW_SECONDS, send, signedDelivery, userCreated } from '../fixtures.js';
import type { Scenario } from '../scenario.js';

const TOLERANCE = 300;
/** Scalekit's clock minus the app's, in seconds. */
const SKEWS = [-86_400, -600, -301, -300, -299, -120, 0, 120, 299, 300, 301, 600, 86_400];
/** Skews for the run against the simulator, whose clock is the real one: the app's clock is moved instead. */
const SIMULATOR_SKEWS = [-420, -240, 0, 240, 420];
const USERS_PER_SKEW = 4;

export const clockSkewScenario: Scenario = {
  id: 'clock-skew',
  title: 'Clock skew between Scalekit and the app',
  kind: 'correctness',
  injected: `Deliveries whose webhook-timestamp is off the app's clock by ${SKEWS.join(', ')} s, over real HTTP to both bindings (default tolerance ${TOLERANCE} s); then the simulator (real clock) delivering to apps whose own clock runs ${SIMULATOR_SKEWS.join(', ')} s off, with Scalekit's retry schedule compressed 10,000-fold, followed by a full sync.`,
  checked:
    'Within the tolerance (|skew| <= 300 s, the bound included) every delivery is applied (201); beyond it every delivery is refused 400 INVALID_SIGNATURE and writes nothing, Scalekit retries and gives up, and a full sync afterwards brings the app to the directory (a skewed clock loses no change for good). Versions come from occurred_at, so skew never reorders changes.',
  async run(r) {
    const secret = generateWebhookSecret();
    const rows: (string | number)[][] = [];
    for (const binding of BINDINGS) {
      const adapter = memoryAdapter();
      const engine = createScimEngine({ adapter, webhookSecret: secret, logger: silentLogger, now: () => NOW });
      const app = await startApp(binding, engine);
      try {
        for (const [index, skew] of SKEWS.entries()) {
          const id = `evt_skew_${index}`;
          const userId = `diruser_skew_${index}`;
          const delivery = signedDelivery(secret, userCreated({ id }, { id: userId }), {
            timestamp: NOW_SECONDS + skew,
          });
          const answer = await send(app.url, delivery);
          const within = Math.abs(skew) <= TOLERANCE;
          const written = adapter.inspect.user('org_1', userId) !== null;
          r.equal(answer.status, within ? 201 : 400, `${binding}: skew ${skew} s status`);
          if (!within) {
            r.equal(
              (answer.json as { code?: string } | undefined)?.code,
              'INVALID_SIGNATURE',
              `${binding}: skew ${skew} s code`,
            );
          }
          r.equal(written, within, `${binding}: skew ${skew} s written`);
          r.equal(adapter.inspect.inbox(id) !== null, within, `${binding}: skew ${skew} s inbox`);
          if (binding === 'express')
            rows.push([skew, within ? 'within' : 'beyond', answer.status, written ? 'yes' : 'no']);
        }
      } finally {
        await app.close();
      }
    }
    r.table({
      title: 'Signed deliveries at a skew (Express; Fastify answered the same)',
      columns: ['skew (s)', 'tolerance', 'status', 'written'],
      rows,
    });

    const simRows: (string | number)[][] = [];
    const sim = await startSimulator({ seed: 11, timeScale: 0.0001 });
    try {
      const client = new ScalekitClient(sim.url, sim.credentials.clientId, sim.credentials.clientSecret);
      for (const skew of SIMULATOR_SKEWS) {
        const adapter = memoryAdapter();
        const engine = createScimEngine({
          adapter,
          webhookSecret: sim.credentials.webhookSecret,
          logger: silentLogger,
          // The app's clock runs `skew` seconds behind Scalekit's.
          now: () => new Date(Date.now() - skew * 1000),
          scalekit: client,
          sync: { retryBaseMs: 5 },
        });
        const app = await startApp('express', engine);
        const subscription = sim.webhooks.subscribe(app.url);
        try {
          const organization = sim.state.createOrganization();
          const directory = sim.state.createDirectory(organization.id);
          sim.webhooks.clearLog();
          for (let i = 0; i < USERS_PER_SKEW; i++) {
            sim.state.createUser(directory.id, { email: `skew${i}@skew.example.com` });
          }
          await sim.webhooks.idle({ timeoutMs: 240_000 });
          const attempts = sim.webhooks.log().filter((attempt) => attempt.eventType.endsWith('user_created'));
          const delivered = attempts.filter((attempt) => attempt.outcome === 'delivered').length;
          const refused = attempts.filter((attempt) => attempt.status === 400).length;
          const within = Math.abs(skew) <= TOLERANCE;
          const stored = adapter.inspect.users(organization.id).length;
          r.equal(delivered, within ? USERS_PER_SKEW : 0, `simulator skew ${skew} s: deliveries acknowledged`);
          r.equal(stored, within ? USERS_PER_SKEW : 0, `simulator skew ${skew} s: users written by webhooks`);
          if (!within) r.equal(refused, attempts.length, `simulator skew ${skew} s: every attempt refused 400`);
          const report = await engine.sync({
            organizationId: organization.id,
            directoryId: directory.id,
            mode: 'full',
          });
          const afterSync = adapter.inspect.users(organization.id).filter((user) => user.active).length;
          r.equal(afterSync, USERS_PER_SKEW, `simulator skew ${skew} s: active users after a full sync`);
          simRows.push([
            skew,
            within ? 'within' : 'beyond',
            attempts.length,
            delivered,
            refused,
            stored,
            report.users.created,
            afterSync,
          ]);
        } finally {
          subscription.unsubscribe();
          await app.close();
        }
      }
    } finally {
      await sim.close();
    }
    r.table({
      title: `Simulator deliveries to an app with a skewed clock (${USERS_PER_SKEW} users each)`,
      columns: [
        'app clock behind by (s)',
        'tolerance',
        'attempts',
        '2xx',
        '400',
        'written by webhooks',
        'created by sync',
        'active after sync',
      ],
      rows: simRows,
    });
  },
};
