export interface Page<T> {
  /** The page's items, converted only once the next page has been asked for. */
  items: () => T[];
  next: string;
}

/**
 * Pages of a listing, read ahead: a background loop keeps fetching (the next page token comes only
 * with each answer, so pages arrive one at a time) while the caller applies earlier ones, up to
 * `limit` pages held at once, which bounds memory. The next page is asked for as soon as an answer
 * names it, before this one's items are converted: against a far-away API the round trip then hides
 * the conversion. A failed fetch surfaces, after the pages read before it, as the error of the iteration.
 */
export async function* readAhead<T>(fetch: (token: string) => Promise<Page<T>>, limit: number): AsyncGenerator<T[]> {
  const queue: T[][] = [];
  let finished = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const producer = (async () => {
    try {
      let pending: Promise<Page<T>> | null = fetch('');
      while (pending !== null) {
        const page: Page<T> = await pending;
        pending = null;
        if (stopped) return;
        if (page.next !== '') {
          while (queue.length >= limit && !stopped) await new Promise<void>((resolve) => (wakeProducer = resolve));
          if (stopped) return;
          pending = fetch(page.next);
          // Awaited on the next turn of the loop; a failure then is the iteration's.
          pending.catch(() => undefined);
        }
        queue.push(page.items());
        wakeConsumer?.();
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wakeConsumer?.();
    }
  })();
  try {
    for (;;) {
      const items = queue.shift();
      if (items !== undefined) {
        wakeProducer?.();
        yield items;
        continue;
      }
      if (finished) {
        if (failure !== undefined) throw failure.error;
        return;
      }
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    stopped = true;
    wakeProducer?.();
    await producer;
  }
}
