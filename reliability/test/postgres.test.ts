import { it } from 'vitest';
import { dbOutageScenario } from '../src/scenarios/db-outage.js';
import { processKillScenario } from '../src/scenarios/process-kill.js';
import { twoInstancesScenario } from '../src/scenarios/two-instances.js';
import { expectScenario } from './expect-scenario.js';

// Each scenario recreates its own database (scim_reliability_*); they run one after the other.
it('survives the database going away during deliveries', async (context) => {
  await expectScenario(dbOutageScenario, context);
});

it('recovers from SIGKILL mid-transaction and mid-sync', async (context) => {
  await expectScenario(processKillScenario, context);
});

it('applies each change once with two instances on one database, newest version winning', async (context) => {
  await expectScenario(twoInstancesScenario, context);
});
