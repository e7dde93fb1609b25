import { ScimError } from '../errors.js';
import type { SyncReport } from './types.js';

/** Raised when a full sync would deprovision more users than the guard allows. */
export class SyncGuardError extends ScimError {
  readonly report: SyncReport;
  readonly candidates: number;
  readonly activeUsers: number;

  constructor(report: SyncReport, candidates: number, activeUsers: number, threshold: number) {
    super(
      'SYNC_GUARD',
      `Sync stopped: it would deprovision ${candidates} of ${activeUsers} active users ` +
        `(more than ${Math.round(threshold * 100)}%). Run it with force: true if this is intended.`,
    );
    this.name = 'SyncGuardError';
    this.report = report;
    this.candidates = candidates;
    this.activeUsers = activeUsers;
  }
}

/** Whether deprovisioning `candidates` of `activeUsers` active users passes the guard. */
export function guardAllows(
  candidates: number,
  activeUsers: number,
  settings: { maxDeprovisionShare: number; guardMinUsers: number },
): boolean {
  return (
    activeUsers < settings.guardMinUsers || candidates === 0 || candidates / activeUsers <= settings.maxDeprovisionShare
  );
}
