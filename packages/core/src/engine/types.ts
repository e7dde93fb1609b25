/**
 * `rejected`: the app or a constraint refused the change for good; it is recorded with its reason (and
 * listed by `engine.events({ status: 'rejected' })`), the delivery acknowledged, and it can be replayed.
 */
export type ApplyOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored' | 'unknown_type' | 'rejected';

export interface ApplyResult {
  outcome: ApplyOutcome;
  eventId: string;
  type: string;
  /** For `rejected`: why (the app's or the database's message and codes, never payload values). */
  reason?: string;
}
