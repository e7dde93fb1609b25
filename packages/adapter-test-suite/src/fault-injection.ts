import type { ScimAdapter } from '@scim/core';
import type { ScimStore } from '@scim/core/adapter';

export type StoreMethod = Exclude<keyof ScimStore, symbol>;

export interface FaultyAdapter {
  /** The adapter whose `method` throws, inside transactions and out. */
  adapter: ScimAdapter;
  /** Every store method called through it, in order (`transaction` included). */
  calls: StoreMethod[];
  /** How many times the fault fired. */
  fired(): number;
}

/**
 * Wraps an adapter so that one store method throws `error` (the first `times` calls, every call by
 * default) instead of running. The wrapped adapter and the store handed to `transaction` callbacks
 * are proxies over the real ones, so the adapter's own methods keep their `this`.
 */
export function injectFault(
  adapter: ScimAdapter,
  method: StoreMethod,
  error: unknown,
  options: { times?: number } = {},
): FaultyAdapter {
  const calls: StoreMethod[] = [];
  let fired = 0;
  const limit = options.times ?? Number.POSITIVE_INFINITY;

  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property) {
        const value = Reflect.get(object, property, object);
        if (typeof value !== 'function') return value;
        if (property === 'transaction') {
          return <R>(fn: (store: ScimStore) => Promise<R>) =>
            (value as ScimAdapter['transaction']).call(object, (store) => fn(wrap(store)));
        }
        return (...args: unknown[]) => {
          if (typeof property === 'string') calls.push(property as StoreMethod);
          if (property === method && fired < limit) {
            fired++;
            return Promise.reject(error);
          }
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });

  return { adapter: wrap(adapter), calls, fired: () => fired };
}
