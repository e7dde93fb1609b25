import { memoryAdapter, type ScimAdapter } from '@scim/core';
import { runAdapterConformance } from '../src/index.js';
import { memoryBackdoor } from './memory-backdoor.js';

runAdapterConformance({
  name: 'memory',
  setup: () => {
    const adapter = memoryAdapter();
    return { adapter, backdoor: memoryBackdoor(adapter) };
  },
  // A second object over the same store; a database adapter would build its peer on a second client.
  peer: (primary) => ({ adapter: { ...primary.adapter } }),
  // One transaction at a time: two of them never overlap, so there is no conflict to provoke.
  skip: ['conflicts'],
});

// One store for every test, as a database-backed adapter runs: the tests must not see each other.
const shared = memoryAdapter();
runAdapterConformance({
  name: 'memory, one shared store',
  setup: () => ({ adapter: shared, backdoor: memoryBackdoor(shared) }),
});

// The same store declared without transactions, which sends the engine down its ordered-writes path.
runAdapterConformance({
  name: 'memory, declared without transactions',
  setup: () => {
    const base = memoryAdapter();
    const adapter: ScimAdapter = { ...base, capabilities: { ...base.capabilities, transactions: false } };
    return { adapter, backdoor: memoryBackdoor(base) };
  },
});
