import type { Scenario } from '../scenario.js';
import { clockSkewScenario } from './clock-skew.js';
import { hostileCorpusScenario } from './hostile-corpus.js';

/** Every scenario, in report order. */
export const scenarios: readonly Scenario[] = [hostileCorpusScenario, clockSkewScenario];
