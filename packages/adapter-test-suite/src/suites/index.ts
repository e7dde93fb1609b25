import { type ConformanceMode, type ConformanceTest, runsIn, suiteTitle, type TestIdOf } from '../define-suite.js';
import { batchSizeSuite } from './batch-size.js';
import { batchesSuite } from './batches.js';
import { concurrencySuite } from './concurrency.js';
import { conflictsSuite } from './conflicts.js';
import { deprovisionSuite } from './deprovision.js';
import { directoriesSuite } from './directories.js';
import { failuresSuite } from './failures.js';
import { groupsSuite } from './groups.js';
import { hooksSuite } from './hooks.js';
import { inboxSuite } from './inbox.js';
import { linkingSuite } from './linking.js';
import { membershipsSuite } from './memberships.js';
import { rejectionsSuite } from './rejections.js';
import { resourcesSuite } from './resources.js';
import { storeSuite } from './store.js';
import { syncSuite } from './sync.js';
import { syncStateSuite } from './sync-state.js';
import { tenancySuite } from './tenancy.js';
import { tombstonesSuite } from './tombstones.js';
import { usersSuite } from './users.js';
import { versionsSuite } from './versions.js';
import { webhooksSuite } from './webhooks.js';

/** Every suite, in the order they run. */
export const CONFORMANCE_SUITES = [
  storeSuite,
  usersSuite,
  inboxSuite,
  versionsSuite,
  tombstonesSuite,
  deprovisionSuite,
  membershipsSuite,
  groupsSuite,
  directoriesSuite,
  tenancySuite,
  linkingSuite,
  rejectionsSuite,
  hooksSuite,
  webhooksSuite,
  failuresSuite,
  concurrencySuite,
  conflictsSuite,
  batchesSuite,
  batchSizeSuite,
  syncStateSuite,
  syncSuite,
  resourcesSuite,
] as const;

/**
 * A suite (`'concurrency'`) or one test of it (`'concurrency/<test name>'`), and in service mode
 * `'service:users'` or `'service:users/<test name>'`, as `skip` takes them.
 */
export type ConformanceTestId = TestIdOf<(typeof CONFORMANCE_SUITES)[number]>;

/** The name of a suite (`'concurrency'`); its service-mode run is `service:<name>`. */
export type ConformanceSuiteName = (typeof CONFORMANCE_SUITES)[number]['name'];

/** Every id `skip` accepts: each suite and test in table mode, then those of service mode (`service:`). */
export function conformanceTestIds(): ConformanceTestId[] {
  const ids: string[] = [];
  for (const mode of ['table', 'service'] as const) {
    for (const suite of CONFORMANCE_SUITES) {
      if (mode === 'service' && !suite.service) continue;
      const title = suiteTitle(suite.name, mode);
      ids.push(title);
      for (const [name, test] of Object.entries(suite.tests)) if (runsIn(test, mode)) ids.push(`${title}/${name}`);
    }
  }
  return ids as ConformanceTestId[];
}

/** The test an id names, and its mode; null when there is none. */
export function findTest(id: string): { mode: ConformanceMode; test: ConformanceTest } | null {
  const mode: ConformanceMode = id.startsWith('service:') ? 'service' : 'table';
  const rest = mode === 'service' ? id.slice('service:'.length) : id;
  const at = rest.indexOf('/');
  if (at < 0) return null;
  const suite = CONFORMANCE_SUITES.find((s) => s.name === rest.slice(0, at) && (mode === 'table' || s.service));
  const test = suite?.tests[rest.slice(at + 1)];
  return test === undefined || !runsIn(test, mode) ? null : { mode, test };
}
