import { expect } from 'vitest';
import { ScimError } from '../../src/errors.js';
import type { DirectoryEvent } from '../../src/events/types.js';
import { MARKER } from './arbitraries.js';

export type ParseOutcome = { ok: true; event: DirectoryEvent } | { ok: false; error: ScimError };

/**
 * Runs a parser and insists on its contract: a typed event, or a `ScimError` with code
 * INVALID_PAYLOAD (status 400) whose message stays short and never echoes a planted value.
 * Anything else (a TypeError, a RangeError, a plain Error) fails the property.
 */
export function parseOutcome(parse: () => DirectoryEvent): ParseOutcome {
  let event: DirectoryEvent;
  try {
    event = parse();
  } catch (error) {
    if (!(error instanceof ScimError)) throw new Error(`untyped error out of the parser: ${String(error)}`);
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.status).toBe(400);
    expect(error.message).not.toContain(MARKER);
    expect(error.message.length).toBeLessThan(1000);
    return { ok: false, error };
  }
  expect(typeof event.id).toBe('string');
  expect(typeof event.organizationId).toBe('string');
  expect(typeof event.version).toBe('bigint');
  return { ok: true, event };
}

/** The own keys of Object.prototype now, to prove later that nothing was added. */
export function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

export function expectNoPollution(before: readonly string[]): void {
  expect(prototypeKeys()).toEqual(before);
  const probe: Record<string, unknown> = {};
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
}
