/** Helpers for arrays of records kept sorted by `id` (plain string order, the API's keyset order). */

interface HasId {
  id: string;
}

/** Index of the first item whose id is >= `id` (`items.length` when none). */
export function lowerBound(items: readonly HasId[], id: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first item whose id is > `id`. */
export function upperBound(items: readonly HasId[], id: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.id <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts in order; O(1) when the id is the largest so far, which generated ids always are. */
export function insertSorted<T extends HasId>(items: T[], item: T): void {
  const last = items[items.length - 1];
  if (last === undefined || last.id < item.id) {
    items.push(item);
    return;
  }
  items.splice(lowerBound(items, item.id), 0, item);
}

export function removeSorted<T extends HasId>(items: T[], item: T): void {
  const index = lowerBound(items, item.id);
  if (items[index] === item) items.splice(index, 1);
}

export function compareIds(a: HasId, b: HasId): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
