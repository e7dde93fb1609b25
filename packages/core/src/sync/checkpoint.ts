import type { SyncMode } from './types.js';

/** Where an interrupted sync resumes; stored as JSON text in the directory's sync state. */
export interface Checkpoint {
  runId: string;
  mode: SyncMode;
  /** Start of the interrupted run, ns: versions of its deprovisions and its watermark. */
  startedAt: string;
  groupsDone: boolean;
  /** User pages whose users are committed. */
  userPages: number;
  /**
   * A windowed sync's `updatedAfter` (ISO): its pages are another listing than the watermark's, so only a
   * run with the same window resumes it.
   */
  updatedAfter?: string;
}

/** The stored checkpoint, or null when there is none or it cannot be read (the sync then starts over). */
export function parseCheckpoint(text: string | null): Checkpoint | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<Checkpoint>;
    if (
      typeof value.runId === 'string' &&
      (value.mode === 'full' || value.mode === 'incremental') &&
      typeof value.startedAt === 'string' &&
      /^\d+$/.test(value.startedAt) &&
      typeof value.groupsDone === 'boolean' &&
      typeof value.userPages === 'number' &&
      (value.updatedAfter === undefined || typeof value.updatedAfter === 'string')
    ) {
      return value as Checkpoint;
    }
  } catch {
    // An unreadable checkpoint only means the sync starts from the beginning.
  }
  return null;
}
