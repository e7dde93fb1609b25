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
import type { ConformanceBackdoor } from './backdoor.js';
import { randomOrganizationId } from './ids.js';
import type { ConformanceOptions, ConformancePeer, ConformanceSetup } from './options.js';
import { type RawScalekitEvent, type ScalekitEvents, scalekitEvents } from './scalekit-events.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields | undefined;
}

export type EngineOverrides = Partial<ScimEngineOptions>;

/** What each conformance test gets. */
export interface ConformanceContext {
  readonly adapter: ScimAdapter;
  readonly backdoor: ConformanceBackdoor;
  /** A fresh organization of this test. */
  readonly organizationId: string;
  /** Raw events of that organization. */
  readonly events: ScalekitEvents;
  /** Every line logged by the engines of this test. */
  readonly logs: LogEntry[];
  /** An engine over the adapter (or `overrides.adapter`), logging into `logs`. */
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

export function createContext(
  setup: ConformanceSetup,
  options: ConformanceOptions,
  skip: (reason: string) => never,
): ContextHandle {
  const logs: LogEntry[] = [];
  const logger: ScimLogger = {
    debug: (message, fields) => logs.push({ level: 'debug', message, fields }),
    info: (message, fields) => logs.push({ level: 'info', message, fields }),
    warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    error: (message, fields) => logs.push({ level: 'error', message, fields }),
  };
  const engine = (overrides: EngineOverrides = {}): ScimEngine =>
    createScimEngine({ adapter: setup.adapter, logger, ...overrides });
  let defaultEngine: ScimEngine | undefined;
  let peer: Promise<ConformancePeer> | undefined;
  const organizationId = randomOrganizationId();

  const context: ConformanceContext = {
    adapter: setup.adapter,
    backdoor: setup.backdoor,
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
      if (options.peer === undefined) return setup.adapter;
      peer ??= Promise.resolve(options.peer(setup));
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
