import { type MemoryAdapter, memoryAdapter, type ScimAdapter } from '@scim/core';
import type { ScimStore } from '@scim/core/adapter';
import type { ConformanceBackdoor, ConformanceServiceSetup, ConformanceTestId } from '../src/index.js';
import { memoryAppTable } from './memory-app-table.js';
import { memoryBackdoor } from './memory-backdoor.js';

/** A mutant: the memory adapter with one contract rule broken, and the tests that must catch it. */

export type Patch = (store: ScimStore) => Partial<ScimStore>;

/** The adapter with some store methods replaced, outside transactions and inside them alike. */
export function mutate<Tx>(base: ScimAdapter<Tx>, patch: Patch): ScimAdapter<Tx> {
  const wrap = <T extends ScimStore>(store: T): T => {
    const overrides = patch(store) as Record<PropertyKey, unknown>;
    return new Proxy(store, {
      get(target, property) {
        if (property in overrides) return overrides[property];
        const value = Reflect.get(target, property, target);
        if (property === 'transaction') {
          return <R>(fn: (s: ScimStore, tx: unknown) => Promise<R>) =>
            (value as ScimAdapter['transaction']).call(target, (s, tx) => fn(wrap(s), tx));
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return wrap(base);
}

export interface Mutant {
  name: string;
  /** The table-mode setup (the intact memory adapter when the mutant is of service mode only). */
  make(): { adapter: ScimAdapter; backdoor: ConformanceBackdoor };
  /** The service-mode setup; the intact one when not given. */
  service?: () => ConformanceServiceSetup;
  breaks: ConformanceTestId[];
}

export function patched(patch: Patch): Mutant['make'] {
  return () => {
    const base = memoryAdapter();
    return { adapter: mutate(base, patch), backdoor: memoryBackdoor(base) };
  };
}

/** Service mode over a memory adapter without a users table, `change` making the mutant of it. */
export function serviceSetup(change: (base: MemoryAdapter) => Partial<ConformanceServiceSetup> = () => ({})) {
  return (): ConformanceServiceSetup => {
    const base = memoryAdapter({ userTable: false });
    return { adapter: base, app: memoryAppTable(), backdoor: memoryBackdoor(base), ...change(base) };
  };
}

/** The same store patch in both modes. */
export function patchedBoth(patch: Patch): Pick<Mutant, 'make' | 'service'> {
  return { make: patched(patch), service: serviceSetup((base) => ({ adapter: mutate(base, patch) })) };
}
