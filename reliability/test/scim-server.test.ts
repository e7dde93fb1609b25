import { it } from 'vitest';
import { scimTwoInstancesScenario } from '../src/scenarios/scim-two-instances.js';
import { scimVectorsScenario } from '../src/scenarios/scim-vectors.js';
import { expectScenario } from './expect-scenario.js';

// Each scenario recreates its own database (scim_reliability_scim_*).
it('passes the SCIM request vectors over Express and Fastify into Drizzle on PostgreSQL', async (context) => {
  await expectScenario(scimVectorsScenario, context);
});

it('ends at the last write by receive order with two SCIM instances on one database', async (context) => {
  await expectScenario(scimTwoInstancesScenario, context);
});
