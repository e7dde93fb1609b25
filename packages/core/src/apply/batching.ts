/**
 * Store calls never carry more items than the adapter's `capabilities.maxBatchSize`: a larger list is
 * sent in several calls, in order. A batch's number of store calls stays constant for a given size.
 */
export function chunks<T>(items: readonly T[], size: number): (readonly T[])[] {
  if (items.length <= size) return items.length === 0 ? [] : [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `write` once per chunk, one after the other. */
export function inChunks<T>(
  items: readonly T[],
  size: number,
  write: (chunk: readonly T[]) => Promise<unknown>,
): Promise<unknown> {
  if (items.length === 0) return DONE;
  // One call, the common case, without a frame of its own around it.
  if (items.length <= size) return write(items);
  return (async () => {
    for (const chunk of chunks(items, size)) await write(chunk);
  })();
}

const DONE: Promise<void> = Promise.resolve();

/** Runs `read` once per chunk and concatenates the answers. */
export function readInChunks<T, R>(
  items: readonly T[],
  size: number,
  read: (chunk: readonly T[]) => Promise<readonly R[]>,
): Promise<R[]> {
  if (items.length === 0) return Promise.resolve([]);
  // The common case, one call: its answer as it comes (the store hands out arrays of its own).
  if (items.length <= size) return read(items) as Promise<R[]>;
  return (async () => {
    const out: R[] = [];
    for (const chunk of chunks(items, size)) out.push(...(await read(chunk)));
    return out;
  })();
}
