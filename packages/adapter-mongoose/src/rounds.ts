/**
 * The items cut into rounds in which no key repeats, each keeping the given order: the n-th item of
 * a key goes to round n. Without a repeated key, one round: the items themselves. Run one after the
 * other, the rounds apply a repeated id's items in order, as the contract asks, where one multi-row
 * statement could not (PostgreSQL refuses to touch a row twice in one statement).
 */
export function rounds<T>(items: readonly T[], key: (item: T) => string): (readonly T[])[] {
  const seen = new Map<string, number>();
  const out: T[][] = [];
  for (const item of items) {
    const k = key(item);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    const round = out[n];
    if (round === undefined) out.push([item]);
    else round.push(item);
  }
  return out.length <= 1 ? [items] : out;
}
