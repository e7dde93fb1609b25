import { sqlConformance } from './support/conformance.js';

// One writer at a time: the peer cannot commit while a transaction holding the write lock waits for it,
// so the stale-read race cannot be staged (the test would skip itself, after the peer's busy timeout).
await sqlConformance('better-sqlite3', [
  'concurrency/an update planned from a read older than a concurrent commit is planned again',
  'service:concurrency/an update planned from a read older than a concurrent commit is planned again',
]);
