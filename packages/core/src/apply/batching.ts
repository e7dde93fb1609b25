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
export async function inChunks<T>(
  items: readonly T[],
  size: number,
  write: (chunk: readonly T[]) => Promise<unknown>,
): Promise<void> {
  for (const chunk of chunks(items, size)) await write(chunk);
}

/** Runs `read` once per chunk and concatenates the answers. */
export async function readInChunks<T, R>(
  items: readonly T[],
  size: number,
  read: (chunk: readonly T[]) => Promise<readonly R[]>,
): Promise<R[]> {
  const parts = chunks(items, size);
  if (parts.length === 1) return [...(await read(parts[0]!))];
  const out: R[] = [];
  for (const chunk of parts) out.push(...(await read(chunk)));
  return out;
}
