/**
 * Writes of one resource on one server instance, taken one at a time in the order they were received. Without
 * it, two requests of the same instance race like requests of two instances, and the one received first is
 * refused whenever the later one commits first; with it, only requests of different instances can overtake
 * each other. A request enters its queue when it is received (synchronously, so entry order is receive order).
 */
export class WriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Resolves once every earlier request for `key` is done, with the function that lets the next one go. */
  enter(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    return previous.then(() => () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }
}

const WRITE_METHODS = new Set(['PUT', 'PATCH', 'DELETE']);

/** The queue key of a request that writes one existing resource (`PUT|PATCH|DELETE /Users|Groups/{id}`), else null. */
export function writeKey(method: string, segments: readonly string[]): string | null {
  if (!WRITE_METHODS.has(method) || segments.length !== 2) return null;
  const endpoint = segments[0]!.toLowerCase();
  return endpoint === 'users' || endpoint === 'groups' ? `${endpoint}/${segments[1]}` : null;
}
