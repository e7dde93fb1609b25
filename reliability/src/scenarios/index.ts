import type { Scenario } from '../scenario.js';
import { clockSkewScenario } from './clock-skew.js';
import { constantTimeScenario } from './constant-time.js';
import { dbOutageScenario } from './db-outage.js';
import { hostileCorpusScenario } from './hostile-corpus.js';
import { processKillScenario } from './process-kill.js';
import { scimTwoInstancesScenario } from './scim-two-instances.js';
import { scimVectorsScenario } from './scim-vectors.js';
import { secretsScenario } from './secrets.js';
import { soakScenario } from './soak.js';
import { tenantIsolationScenario } from './tenant-isolation.js';
import { twoInstancesScenario } from './two-instances.js';

/** Every scenario, in report order. */
export const scenarios: readonly Scenario[] = [
  hostileCorpusScenario,
  clockSkewScenario,
  secretsScenario,
  tenantIsolationScenario,
  dbOutageScenario,
  processKillScenario,
  twoInstancesScenario,
  scimVectorsScenario,
  scimTwoInstancesScenario,
  soakScenario,
  constantTimeScenario,
];
