import type { ScimAdapter } from '@scim/core';
import type { ScimStore } from '@scim/core/adapter';
import type { StoreMethod } from './fault-injection.js';

/** One store call that carries items, with how many. */
export interface RecordedCall {
  method: StoreMethod;
  items: number;
  /** What the test was doing: the label set with `during`. */
  path: string;
}

export interface RecordingAdapter {
  /** The adapter, declaring `maxBatchSize` (when given), with every call counted, inside transactions and out. */
  adapter: ScimAdapter;
  calls: RecordedCall[];
  /** Labels the calls made from now on. */
  during(path: string): void;
}

type Args = readonly unknown[];

const length = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

/** How many items a call of each multi-item method carries. */
const ITEMS: Partial<Record<StoreMethod, (args: Args) => number>> = {
  claimEvents: (args) => length(args[0]),
  finishEvents: (args) => length(args[0]),
  getEntities: (args) => length(args[2]),
  advanceEntities: (args) => length(args[2]),
  upsertUsers: (args) => length(args[1]),
  patchUsers: (args) => length(args[1]),
  deleteUsers: (args) => length(args[1]),
  upsertGroups: (args) => length(args[1]),
  ensureGroups: (args) => length(args[1]),
  deleteGroups: (args) => length(args[1]),
  getGroups: (args) => length(args[1]),
  replaceMemberships: (args) => length(args[1]),
  removeGroupMemberships: (args) => length(args[1]),
  getLinks: (args) => length(args[1]),
  getLinksToAppUsers: (args) => length(args[1]),
  saveLinks: (args) => length(args[1]),
  deleteLinks: (args) => length(args[1]),
  linkUsersByEmail: (args) => length(args[1]),
  listMemberships: (args) => {
    const filter = args[1] as { userIds?: unknown; groupIds?: unknown } | undefined;
    return length(filter?.userIds ?? filter?.groupIds);
  },
};

/**
 * Wraps an adapter so that it declares `maxBatchSize` and records the item count of every
 * multi-item store call made through it, to check that no path sends more than it declared.
 */
export function recordCalls(adapter: ScimAdapter, options: { maxBatchSize?: number } = {}): RecordingAdapter {
  const calls: RecordedCall[] = [];
  let path = '';
  const capabilities =
    options.maxBatchSize === undefined
      ? adapter.capabilities
      : { ...adapter.capabilities, maxBatchSize: options.maxBatchSize };

  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property) {
        if (property === 'capabilities') return capabilities;
        const value = Reflect.get(object, property, object);
        if (typeof value !== 'function') return value;
        if (property === 'transaction') {
          return <R>(fn: (store: ScimStore, tx: unknown) => Promise<R>) =>
            (value as ScimAdapter['transaction']).call(object, (store, tx) => fn(wrap(store), tx));
        }
        const items = typeof property === 'string' ? ITEMS[property as StoreMethod] : undefined;
        return (...args: unknown[]) => {
          if (items !== undefined) calls.push({ method: property as StoreMethod, items: items(args), path });
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });

  return {
    adapter: wrap(adapter),
    calls,
    during(next) {
      path = next;
    },
  };
}
