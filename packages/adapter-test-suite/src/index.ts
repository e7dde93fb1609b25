export type { AppCall, AppFunctions, ConformanceApp } from './app-users.js';
export type {
  Awaitable,
  BackdoorAppRow,
  BackdoorMembership,
  BackdoorUser,
  ConformanceBackdoor,
  UnlinkedUserInput,
} from './backdoor.js';
export { type RecordedCall, type RecordingAdapter, recordCalls } from './call-recorder.js';
export type { ConformanceContext, EngineOverrides, LogEntry } from './context.js';
export type { ConformanceMode, ConformanceSuite, ConformanceTest } from './define-suite.js';
export { type FaultyAdapter, injectFault, type StoreMethod } from './fault-injection.js';
export {
  type DirectoryCall,
  type DirectoryMethod,
  MAX_GROUP_PAGE_SIZE,
  MAX_USER_PAGE_SIZE,
  type MemoryDirectory,
  type MemoryDirectoryOptions,
  memoryDirectory,
} from './memory-directory.js';
export type {
  ConformanceOptions,
  ConformancePeer,
  ConformanceServiceSetup,
  ConformanceSetup,
} from './options.js';
export { runAdapterConformance } from './run-adapter-conformance.js';
export { type ConformanceTestResult, runConformanceTest } from './run-conformance-test.js';
export {
  type EventOptions,
  type RawDeletedUserData,
  type RawDirectoryData,
  type RawGroupData,
  type RawGroupRef,
  type RawScalekitEvent,
  type RawUserData,
  type ScalekitEvents,
  type ScalekitEventsOptions,
  scalekitEvents,
} from './scalekit-events.js';
export {
  CONFORMANCE_SUITES,
  type ConformanceSuiteName,
  type ConformanceTestId,
  conformanceTestIds,
} from './suites/index.js';
export type { TestAppRow, TestAppTable, TestAppUser } from './test-app-table.js';
export { withoutErrorTranslation } from './without-error-translation.js';
