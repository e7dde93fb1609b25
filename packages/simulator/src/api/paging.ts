import { lowerBound, upperBound } from '../state/sorted.js';

export interface PageRequest<T> {
  /** Sorted by id. */
  items: readonly T[];
  /** null: every item matches (pages are then plain slices). */
  match: ((item: T) => boolean) | null;
  size: number;
  cursor: { direction: 'after' | 'before'; id: string } | null;
}

export interface Page<T> {
  items: T[];
  hasNext: boolean;
  hasPrevious: boolean;
}

/**
 * One keyset page. Unfiltered, it is a binary search and a slice; filtered, it scans forward from the
 * cursor only as far as the page needs, so paging through a whole listing scans it once.
 */
export function keysetPage<T extends { id: string }>(request: PageRequest<T>): Page<T> {
  const { items, match, size, cursor } = request;
  if (cursor === null || cursor.direction === 'after') {
    const start = cursor === null ? 0 : upperBound(items, cursor.id);
    if (match === null) {
      return {
        items: items.slice(start, start + size),
        hasNext: start + size < items.length,
        hasPrevious: start > 0 && start <= items.length,
      };
    }
    const page: T[] = [];
    let i = start;
    for (; i < items.length && page.length < size; i++) if (match(items[i]!)) page.push(items[i]!);
    let hasNext = false;
    for (; i < items.length; i++) {
      if (match(items[i]!)) {
        hasNext = true;
        break;
      }
    }
    let hasPrevious = false;
    for (let j = Math.min(start, items.length) - 1; j >= 0; j--) {
      if (match(items[j]!)) {
        hasPrevious = true;
        break;
      }
    }
    return { items: page, hasNext, hasPrevious };
  }

  const end = lowerBound(items, cursor.id);
  if (match === null) {
    const begin = Math.max(0, end - size);
    return { items: items.slice(begin, end), hasNext: end < items.length, hasPrevious: begin > 0 };
  }
  const page: T[] = [];
  let j = end - 1;
  for (; j >= 0 && page.length < size; j--) if (match(items[j]!)) page.push(items[j]!);
  let hasPrevious = false;
  for (; j >= 0; j--) {
    if (match(items[j]!)) {
      hasPrevious = true;
      break;
    }
  }
  let hasNext = false;
  for (let i = end; i < items.length; i++) {
    if (match(items[i]!)) {
      hasNext = true;
      break;
    }
  }
  page.reverse();
  return { items: page, hasNext, hasPrevious };
}
