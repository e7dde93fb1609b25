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
 * default; with `when`, only the calls it accepts) instead of running. The wrapped adapter and the
 * store handed to `transaction` callbacks are proxies over the real ones, so the adapter's own methods
 * keep their `this`.
 */
export function injectFault(
  adapter: ScimAdapter,
  method: StoreMethod,
  error: unknown,
  options: {
    times?: number;
    /** Fires only for the calls whose arguments this accepts (every call by default). */
    when?: (args: readonly unknown[]) => boolean;
  } = {},
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
          // The app's transaction handle passes through: the app's own writes stay in the transaction.
          return <R>(fn: (store: ScimStore, tx: unknown) => Promise<R>) =>
            (value as ScimAdapter['transaction']).call(object, (store, tx) => fn(wrap(store), tx));
        }
        return (...args: unknown[]) => {
          if (typeof property === 'string') calls.push(property as StoreMethod);
          if (property === method && fired < limit && (options.when?.(args) ?? true)) {
            fired++;
            return Promise.reject(error);
          }
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });

  return { adapter: wrap(adapter), calls, fired: () => fired };
}
