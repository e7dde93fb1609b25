import type { ScimAdapter } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';

/**
 * A mutant for checking the `conflicts` suite against a real database: the adapter as if it
 * translated no driver error. Whatever it raises as an `AdapterError` comes out as the error that
 * `AdapterError` wraps (the driver's), from its methods and from `transaction()` alike.
 */
export function withoutErrorTranslation(adapter: ScimAdapter): ScimAdapter {
  const raw = (error: unknown): never => {
    throw error instanceof AdapterError && error.cause !== undefined ? error.cause : error;
  };
  return new Proxy(adapter, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        Promise.resolve((value as (...a: unknown[]) => Promise<unknown>).apply(target, args)).catch(raw);
    },
  });
}
