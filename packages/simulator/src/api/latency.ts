import type http from 'node:http';
import type http2 from 'node:http2';

type Request = http.IncomingMessage | http2.Http2ServerRequest;
type Response = http.ServerResponse | http2.Http2ServerResponse;
type Handler = (req: Request, res: Response) => void;

export interface Latency {
  /** `handler`, run `delayMs()` after each request arrives (at once when it is 0). */
  wrap(handler: Handler): Handler;
  /** Requests received and still waiting out their delay. */
  readonly pending: number;
  /** Forgets every waiting request: called when the server closes, so no timer outlives it. */
  cancelAll(): void;
}

/** The client went away while its request waited: nothing can be answered any more. */
function gone(req: Request, res: Response): boolean {
  if ('stream' in res) return res.stream.destroyed || res.stream.closed;
  return req.destroyed || res.destroyed;
}

/**
 * The network between a client and a far-away Scalekit, as a delay before each request is handled.
 *
 * Each request gets its own timer, read from the setting when it arrives: concurrent requests wait side by
 * side (round trips in flight, not a queue), and the event loop stays free meanwhile. The delay sits in
 * front of everything, the token endpoint and rejected calls included, because a real round trip costs
 * the same whatever the answer: the SDK's first call (unauthenticated, then the token, then the call again)
 * takes three of them, as against the real service. The request's body waits, unread, in its stream.
 */
export function createLatency(delayMs: () => number): Latency {
  const timers = new Set<NodeJS.Timeout>();
  return {
    wrap(handler) {
      return (req, res) => {
        const ms = delayMs();
        if (ms <= 0) {
          handler(req, res);
          return;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!gone(req, res)) handler(req, res);
        }, ms);
        timers.add(timer);
      };
    },
    get pending() {
      return timers.size;
    },
    cancelAll() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
