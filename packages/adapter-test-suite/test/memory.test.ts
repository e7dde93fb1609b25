import { type MemoryAdapter, memoryAdapter, type ScimAdapter } from '@scim/core';
import { type ConformanceServiceSetup, runAdapterConformance } from '../src/index.js';
import { memoryAppTable } from './memory-app-table.js';
import { memoryBackdoor } from './memory-backdoor.js';

/** Service mode: a memory adapter without a users table, and the test app's table beside it. */
function serviceMode(adapter: MemoryAdapter = memoryAdapter({ userTable: false })): ConformanceServiceSetup {
  return { adapter, app: memoryAppTable(), backdoor: memoryBackdoor(adapter) };
}

runAdapterConformance({
  name: 'memory',
  setup: () => {
    const adapter = memoryAdapter();
    return { adapter, backdoor: memoryBackdoor(adapter) };
  },
  serviceMode: () => serviceMode(),
  // A second object over the same store; a database adapter would build its peer on a second client.
  peer: (primary) => ({ adapter: { ...primary.adapter } }),
  // One transaction at a time: two of them never overlap, so there is no conflict to provoke, and a test
  // that holds one transaction open until the other has read would wait for good.
  skip: [
    'conflicts',
    'service:concurrency/a creation and a deactivation of one user racing: the app is told of both',
    'concurrency/an update planned from a read older than a concurrent commit is planned again',
    'service:concurrency/an update planned from a read older than a concurrent commit is planned again',
  ],
});

// One store for every test, as a database-backed adapter runs: the tests must not see each other.
const shared = memoryAdapter();
const sharedService = memoryAdapter({ userTable: false });
const sharedApp = memoryAppTable();
runAdapterConformance({
  name: 'memory, one shared store',
  setup: () => ({ adapter: shared, backdoor: memoryBackdoor(shared) }),
  serviceMode: () => ({ adapter: sharedService, app: sharedApp, backdoor: memoryBackdoor(sharedService) }),
});

/** The same store declared without transactions, which sends the engine down its ordered-writes path. */
function withoutTransactions(base: MemoryAdapter): ScimAdapter {
  return { ...base, capabilities: { ...base.capabilities, transactions: false } };
}

runAdapterConformance({
  name: 'memory, declared without transactions',
  setup: () => {
    const base = memoryAdapter();
    return { adapter: withoutTransactions(base), backdoor: memoryBackdoor(base) };
  },
  serviceMode: () => {
    const base = memoryAdapter({ userTable: false });
    return { ...serviceMode(base), adapter: withoutTransactions(base) };
  },
  skip: [
    // Without a transaction around the claim and the app's create, every concurrent delivery of one new
    // user passes the version gate (same event) and calls create: the app gets one user per delivery.
    'service:concurrency/the same event applied 10 times at once is applied exactly once',
  ],
});
