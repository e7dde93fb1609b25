import type { ScimAdapter } from '@scim/core';
import type { Awaitable, ConformanceBackdoor } from './backdoor.js';
import type { ConformanceTestId } from './suites/index.js';

/** What `setup` hands the suite for one test. */
export interface ConformanceSetup {
  adapter: ScimAdapter;
  backdoor: ConformanceBackdoor;
  /** Runs after the test, whatever its result. */
  teardown?: () => Awaitable<void>;
}

/** A second adapter instance over the same store, e.g. one built on a second database client. */
export interface ConformancePeer {
  adapter: ScimAdapter;
  teardown?: () => Awaitable<void>;
}

export interface ConformanceOptions {
  /** Names the top-level `describe` block, e.g. `prisma:postgresql`. */
  name: string;
  /**
   * Called before each test. Return a fresh adapter, or a shared one: every test works in its own
   * random organization and event ids, so the store never needs emptying between tests.
   */
  setup: () => Awaitable<ConformanceSetup>;
  /**
   * Optional: an independent adapter over the same store. The concurrency suite then races the
   * two instances against each other, as two app instances would (without it, it races one), and
   * the conflicts suite makes them deadlock (without it, it skips).
   */
  peer?: (primary: ConformanceSetup) => Awaitable<ConformancePeer>;
  /** Whole suites (`'concurrency'`) or single tests (`'concurrency/<test name>'`) to leave out. */
  skip?: readonly ConformanceTestId[];
  /** Per-test timeout in ms. Default 15 000. */
  timeout?: number;
}
