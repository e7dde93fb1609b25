import { type MemoryAdapter, memoryAdapter, type ScimAdapter } from '@scim/core';
import type { ScimStore } from '@scim/core/adapter';
import type { ConformanceBackdoor, ConformanceTestId } from '../src/index.js';
import { memoryBackdoor } from './memory-backdoor.js';

/** A mutant: the memory adapter with one contract rule broken, and the tests that must catch it. */

export type Patch = (store: ScimStore) => Partial<ScimStore>;

/** The adapter with some store methods replaced, outside transactions and inside them alike. */
export function mutate(base: MemoryAdapter, patch: Patch): ScimAdapter {
  const wrap = <T extends ScimStore>(store: T): T => {
    const overrides = patch(store) as Record<PropertyKey, unknown>;
    return new Proxy(store, {
      get(target, property) {
        if (property in overrides) return overrides[property];
        const value = Reflect.get(target, property, target);
        if (property === 'transaction') {
          return <R>(fn: (s: ScimStore) => Promise<R>) =>
            (value as ScimAdapter['transaction']).call(target, (s) => fn(wrap(s)));
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return wrap(base);
}

export interface Mutant {
  name: string;
  make(): { adapter: ScimAdapter; backdoor: ConformanceBackdoor };
  breaks: ConformanceTestId[];
}

export function patched(patch: Patch): Mutant['make'] {
  return () => {
    const base = memoryAdapter();
    return { adapter: mutate(base, patch), backdoor: memoryBackdoor(base) };
  };
}
