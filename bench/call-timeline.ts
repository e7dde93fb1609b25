/**
 * Where a sync's wall time goes when every Directory API call is a network round trip: a client around the real
 * `ScalekitClient` and an adapter around the real one record when each call starts and ends; `breakdown` reads
 * the calls, the gaps between user pages, what came before the first and after the last.
 */
import type { ScalekitClient } from '@scalekit-sdk/node';
import type { DirectoryApiClient, ScimAdapter } from '@scim/core';

export interface Call {
  /** A Directory API method, or `store.<method>` for a call of the adapter outside a transaction. */
  method: string;
  /** ms, `performance.now()`. */
  start: number;
  end: number;
}

export interface Timeline {
  client: DirectoryApiClient;
  calls: Call[];
}

function timer(calls: Call[]) {
  return <A extends unknown[], R>(method: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const call: Call = { method, start: performance.now(), end: 0 };
      try {
        return await fn(...args);
      } finally {
        call.end = performance.now();
        calls.push(call);
      }
    };
}

/** `adapter`, its top-level calls (transactions whole, lease, sync state, the deprovision scan) recorded into `calls`. */
export function timedAdapter(adapter: ScimAdapter, calls: Call[]): ScimAdapter {
  const timed = timer(calls);
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return timed(`store.${property}`, (...args: unknown[]) => value.apply(target, args));
    },
  });
}

export function timedClient(scalekit: ScalekitClient): Timeline {
  const calls: Call[] = [];
  const timed = timer(calls);
  const directory = scalekit.directory;
  return {
    calls,
    client: {
      directory: {
        listDirectories: timed('listDirectories', (org: string) => directory.listDirectories(org)),
        listDirectoryUsers: timed('listDirectoryUsers', directory.listDirectoryUsers.bind(directory)),
        listDirectoryGroups: timed('listDirectoryGroups', directory.listDirectoryGroups.bind(directory)),
      },
    },
  };
}

export interface Breakdown {
  /** From the start to the first user page request: token, group listing, group writes, checkpoint. */
  beforeUsersMs: number;
  /** First user page requested to the last one answered. */
  userListingMs: number;
  userPages: number;
  /** The first user page, which carries the SDK's token round trips when the client has none yet. */
  firstUserPageMs: number;
  /** Median time of a user page call. */
  userPageMedianMs: number;
  /** Mean time of a user page call. */
  userPageMeanMs: number;
  /** Summed time between a user page's answer and the next request: the listing waiting on the sync. */
  userListingIdleMs: number;
  /** From the last user page answered to the end: the last batches, the deprovision scan, the final state. */
  afterUsersMs: number;
  groupPages: number;
  groupListingMs: number;
  /** User batch transactions (in a sync): how many, their median and longest. */
  transactions: { count: number; medianMs: number; p90Ms: number; maxMs: number };
  /** After the last user page: ms in each store call (transactions whole), by method. */
  afterUsersByStoreMethod: Record<string, number>;
}

/** Where the time between `start` and `end` went, from the calls made meanwhile. */
export function breakdown(calls: Call[], start: number, end: number): Breakdown {
  const users = calls.filter((c) => c.method === 'listDirectoryUsers').sort((a, b) => a.start - b.start);
  const groups = calls.filter((c) => c.method === 'listDirectoryGroups').sort((a, b) => a.start - b.start);
  const first = users[0];
  const last = users[users.length - 1];
  if (first === undefined || last === undefined) throw new Error('no user page was listed');
  let idle = 0;
  for (let i = 1; i < users.length; i++) idle += Math.max(0, users[i]!.start - users[i - 1]!.end);
  const durations = users.map((c) => c.end - c.start).sort((a, b) => a - b);
  const transactions = calls
    .filter((c) => c.method === 'store.transaction')
    .map((c) => c.end - c.start)
    .sort((a, b) => a - b);
  const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
  const afterUsersByStoreMethod: Record<string, number> = {};
  for (const c of calls) {
    if (!c.method.startsWith('store.') || c.end <= last.end) continue;
    const ms = c.end - Math.max(c.start, last.end);
    afterUsersByStoreMethod[c.method] = (afterUsersByStoreMethod[c.method] ?? 0) + ms;
  }
  return {
    beforeUsersMs: first.start - start,
    userListingMs: last.end - first.start,
    userPages: users.length,
    firstUserPageMs: first.end - first.start,
    userPageMedianMs: at(durations, 0.5),
    userPageMeanMs: durations.reduce((a, b) => a + b, 0) / durations.length,
    userListingIdleMs: idle,
    afterUsersMs: end - last.end,
    groupPages: groups.length,
    groupListingMs: groups.length === 0 ? 0 : groups[groups.length - 1]!.end - groups[0]!.start,
    transactions: {
      count: transactions.length,
      medianMs: at(transactions, 0.5),
      p90Ms: at(transactions, 0.9),
      maxMs: at(transactions, 1),
    },
    afterUsersByStoreMethod,
  };
}
