export type ApplyOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored' | 'unknown_type';

export interface ApplyResult {
  outcome: ApplyOutcome;
  eventId: string;
  type: string;
}
