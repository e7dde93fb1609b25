import {
  type ApplyResult,
  createScimEngine,
  type LogFields,
  parseDirectoryEvent,
  type ScimAdapter,
  type ScimEngine,
  type ScimEngineOptions,
  type ScimLogger,
} from '@scim/core';
import { type ConformanceApp, createApp } from './app-users.js';
import type { ConformanceBackdoor } from './backdoor.js';
import type { ConformanceMode } from './define-suite.js';
import { randomOrganizationId } from './ids.js';
import type { ConformanceOptions, ConformancePeer, ConformanceServiceSetup, ConformanceSetup } from './options.js';
import { type RawScalekitEvent, type ScalekitEvents, scalekitEvents } from './scalekit-events.js';
import { serviceBackdoor } from './service-backdoor.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields | undefined;
}

export type EngineOverrides = Partial<ScimEngineOptions>;

/** What each conformance test gets. */
export interface ConformanceContext {
  /** `table`: the adapter's table mapping writes users; `service`: the suite's user functions over the test app's table. */
  readonly mode: ConformanceMode;
  readonly adapter: ScimAdapter;
  /** In service mode, users are read through the identity link and the test app's table. */
  readonly backdoor: ConformanceBackdoor;
  /** Service mode: the test app (its table, the suite's user functions, their calls); null in table mode. */
  readonly app: ConformanceApp | null;
  /** A fresh organization of this test. */
  readonly organizationId: string;
  /** Raw events of that organization. */
  readonly events: ScalekitEvents;
  /** Every line logged by the engines of this test. */
  readonly logs: LogEntry[];
  /**
   * An engine over the adapter (or `overrides.adapter`), logging into `logs`; in service mode with
   * `users: app.users()` unless `overrides.users` says otherwise.
   */
  engine(overrides?: EngineOverrides): ScimEngine;
  /** Parses the raw payload like the webhook path does, then applies it (default engine when omitted). */
  apply(payload: RawScalekitEvent, engine?: ScimEngine): Promise<ApplyResult>;
  /** Another fresh organization, with its own event builder. */
  organization(): ScalekitEvents;
  /** The peer adapter when the suite was given one, else the primary adapter itself. */
  peer(): Promise<ScimAdapter>;
  /** Stops the test here and reports it skipped, with the reason. */
  skip(reason: string): never;
}

export interface ContextHandle {
  context: ConformanceContext;
  dispose(): Promise<void>;
}

/** What one test runs over: the table-mode setup, and in service mode the service-mode one too. */
export interface ContextSetup {
  mode: ConformanceMode;
  setup: ConformanceSetup;
  service?: ConformanceServiceSetup;
}

export function createContext(
  { mode, setup, service }: ContextSetup,
  options: Pick<ConformanceOptions, 'peer'>,
  skip: (reason: string) => never,
): ContextHandle {
  const logs: LogEntry[] = [];
  const logger: ScimLogger = {
    debug: (message, fields) => logs.push({ level: 'debug', message, fields }),
    info: (message, fields) => logs.push({ level: 'info', message, fields }),
    warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    error: (message, fields) => logs.push({ level: 'error', message, fields }),
  };
  if (mode === 'service' && service === undefined) throw new Error('a service-mode test needs a serviceMode setup');
  const adapter = service?.adapter ?? setup.adapter;
  const rawBackdoor = service?.backdoor ?? setup.backdoor;
  const app = service === undefined ? null : createApp(service.app, service.adapter);
  const backdoor = service === undefined ? setup.backdoor : serviceBackdoor(rawBackdoor, service.app);
  const users = app?.users();
  const engine = (overrides: EngineOverrides = {}): ScimEngine =>
    createScimEngine({ adapter, logger, ...(users === undefined ? {} : { users }), ...overrides });
  let defaultEngine: ScimEngine | undefined;
  let peer: Promise<ConformancePeer> | undefined;
  const organizationId = randomOrganizationId();

  const context: ConformanceContext = {
    mode,
    adapter,
    backdoor,
    app,
    organizationId,
    events: scalekitEvents({ organizationId }),
    logs,
    engine,
    apply(payload, using) {
      defaultEngine ??= engine();
      return (using ?? defaultEngine).applyEvent(parseDirectoryEvent(payload));
    },
    organization: () => scalekitEvents({ organizationId: randomOrganizationId() }),
    async peer() {
      if (options.peer === undefined) return adapter;
      peer ??= Promise.resolve(options.peer({ adapter, backdoor: rawBackdoor }));
      return (await peer).adapter;
    },
    skip,
  };

  return {
    context,
    async dispose() {
      if (peer !== undefined) await (await peer).teardown?.();
    },
  };
}
