import type { Scenario } from '../scenario.js';
import { clockSkewScenario } from './clock-skew.js';
import { constantTimeScenario } from './constant-time.js';
import { hostileCorpusScenario } from './hostile-corpus.js';
import { secretsScenario } from './secrets.js';
import { tenantIsolationScenario } from './tenant-isolation.js';

/** Every scenario, in report order. */
export const scenarios: readonly Scenario[] = [
  hostileCorpusScenario,
  clockSkewScenario,
  secretsScenario,
  tenantIsolationScenario,
  constantTimeScenario,
];
