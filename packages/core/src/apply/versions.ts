import type { EntityState } from '../adapter/contract.js';

/**
 * The version rule: a change applies when the entity was never seen, its stored version is lower,
 * or it is the same version written by the same event (a retry of an interrupted event). Adapters
 * enforce the same rule atomically in `advanceEntities`; this is the read-side check that plans.
 */
export function isNewer(previous: EntityState | undefined, version: bigint, eventId: string | null): boolean {
  return (
    previous === undefined ||
    previous.version < version ||
    (previous.version === version && eventId !== null && previous.eventId === eventId)
  );
}

/**
 * In id order: concurrent transactions then lock the rows they share (version records, new groups)
 * in the same order, and cannot deadlock each other.
 */
export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
