import type { ScimAdapter } from '@scim/core';
import type { Awaitable, ConformanceBackdoor } from './backdoor.js';
import type { ConformanceTestId } from './suites/index.js';
import type { TestAppTable } from './test-app-table.js';

/** What `setup` hands the suite for one test (table mode: the adapter with the app's table mapping). */
export interface ConformanceSetup {
  adapter: ScimAdapter;
  backdoor: ConformanceBackdoor;
  /** Runs after the test, whatever its result. */
  teardown?: () => Awaitable<void>;
}

/**
 * Service mode, for one test: an adapter created WITHOUT a table mapping (`capabilities.userTable`
 * false) and the test app's users table, written through the adapter's transaction handle `Tx`. The
 * suite drives it with its own `UserService` over `app` and reads users through `readLink` + `app.read`.
 */
export interface ConformanceServiceSetup<Tx = unknown> {
  adapter: ScimAdapter<Tx>;
  app: TestAppTable<Tx>;
  /** Readers of this adapter's store; default: the backdoor `setup` returned (the same database). */
  backdoor?: ConformanceBackdoor;
  /** Runs after the test, whatever its result (before `setup`'s teardown). */
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
   * Service mode (the `service:*` suites): called before each of their tests, after `setup`, with what
   * `setup` returned. Without it those suites skip, saying why.
   */
  serviceMode?: (primary: ConformanceSetup) => Awaitable<ConformanceServiceSetup>;
  /**
   * Optional: an independent adapter over the same store. The concurrency suite then races the
   * two instances against each other, as two app instances would (without it, it races one), and
   * the conflicts suite makes them deadlock (without it, it skips). In service mode `primary` is the
   * service-mode setup, and the peer's adapter is driven by the suite's user service (a mapping it
   * may have is not used).
   */
  peer?: (primary: ConformanceSetup) => Awaitable<ConformancePeer>;
  /** Whole suites (`'concurrency'`, `'service:users'`) or single tests (`'concurrency/<test name>'`) to leave out. */
  skip?: readonly ConformanceTestId[];
  /** Per-test timeout in ms. Default 120 000: generous, so that a busy machine slows a test without failing it. */
  timeout?: number;
}
