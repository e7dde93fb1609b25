import type { TestIdOf } from '../define-suite.js';
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
import { membershipsSuite } from './memberships.js';
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
  hooksSuite,
  webhooksSuite,
  failuresSuite,
  concurrencySuite,
  conflictsSuite,
  batchesSuite,
  batchSizeSuite,
  syncStateSuite,
  syncSuite,
] as const;

/** A suite name (`'concurrency'`) or one test of it (`'concurrency/<test name>'`), as `skip` takes them. */
export type ConformanceTestId = TestIdOf<(typeof CONFORMANCE_SUITES)[number]>;

export type ConformanceSuiteName = (typeof CONFORMANCE_SUITES)[number]['name'];

/** Every id `skip` accepts. */
export function conformanceTestIds(): ConformanceTestId[] {
  const ids: string[] = [];
  for (const suite of CONFORMANCE_SUITES) {
    ids.push(suite.name);
    for (const test of Object.keys(suite.tests)) ids.push(`${suite.name}/${test}`);
  }
  return ids as ConformanceTestId[];
}
