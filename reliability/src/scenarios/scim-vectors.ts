import { createScimEngine, silentLogger } from '@scim/core';
import { createScimServer, engineScimStore, scimTokens } from '@scim/scim-server';
import { formatScimVectorTable, runScimVectors, scimVectors } from '@scim/scim-server/vectors';
import { BINDINGS } from '../apps.js';
import { scenarioDatabase } from '../pg/database.js';
import { openPgStore, type PgStore } from '../pg/store.js';
import type { Scenario } from '../scenario.js';
import { type RunningScimApp, startScimApp } from '../scim-apps.js';

export const scimVectorsScenario: Scenario = {
  id: 'scim-vectors',
  title: 'The SCIM request vectors over Express and Fastify into Drizzle on PostgreSQL',
  kind: 'correctness',
  injected: `The ${scimVectors.length} published request vectors of Okta (PUT and PATCH styles), Entra ID, Google and the protocol's bad input, replayed over real HTTP against an Express and a Fastify app, each with its own engine (\`directScim\`) on \`drizzleAdapter\` with a table mapping, over one PostgreSQL database: the SCIM resources, their filter index, members and tokens in the SDK's Drizzle tables.`,
  checked:
    "Every vector passes on both bindings (statuses, bodies, scimType, the state read back); the users the vectors created reached the app's own table through the engine, and each organization's SCIM Users all have their row there.",
  async run(r) {
    const url = await scenarioDatabase(r, 'scim_reliability_scim_vectors');
    if (url === null) return;
    const stores: PgStore[] = [];
    const apps: RunningScimApp[] = [];
    try {
      const rows: (string | number | boolean)[][] = [];
      for (const binding of BINDINGS) {
        const store = openPgStore(url, { max: 5 });
        stores.push(store);
        const engine = createScimEngine({ adapter: store.adapter, directScim: true, logger: silentLogger });
        const organizationId = `org_scim_vectors_${binding}`;
        const { token } = await scimTokens(engine).issue(organizationId, { label: 'vectors' });
        const app = await startScimApp(
          binding,
          createScimServer({ store: engineScimStore(engine), logger: silentLogger }),
        );
        apps.push(app);
        let appRowsSeen = 0;
        const results = await runScimVectors({
          baseUrl: app.baseUrl,
          token,
          // Before each vector's cleanup: its users are in the app's table.
          afterVector: async () => {
            appRowsSeen = Math.max(appRowsSeen, (await store.appUsers(organizationId)).length);
          },
        });
        const failed = results.filter((result) => !result.passed);
        r.equal(failed.length, 0, `${binding}: vectors failed`);
        if (failed.length > 0) r.check(false, `${binding}:\n${formatScimVectorTable(failed)}`);
        r.check(appRowsSeen > 0, `${binding}: no vector's user reached the app's table`);
        const missing = await store.pool.query<{ id: string }>(
          `select r.id from scim_resources r where r.organization_id = $1 and r.resource_type = 'User'
             and not exists (select 1 from app_users u where u.scim_organization_id = r.organization_id
                                                         and u.scim_user_id = r.id)`,
          [organizationId],
        );
        r.equal(missing.rows.length, 0, `${binding}: SCIM Users without a row in the app's table`);
        const durationMs = results.reduce((sum, result) => sum + result.durationMs, 0);
        rows.push([binding, results.length, results.length - failed.length, Math.round(durationMs)]);
      }
      r.figure('vectors per binding', scimVectors.length);
      r.table({ title: 'Vectors by binding', columns: ['binding', 'vectors', 'passed', 'ms'], rows });
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await Promise.all(stores.map((store) => store.close()));
    }
  },
};
