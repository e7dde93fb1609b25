import { connect, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of PostgreSQL that resets one connection at a chosen moment of the
 * protocol: `cutDuringBegin()` drops the next BEGIN before the server sees it and resets its
 * connection (BEGIN is on the wire, never answered); `cutAfterBegin()` lets BEGIN through and resets
 * the connection when its next statement is sent (a reset mid-transaction).
 */
export interface ResettingProxy {
  readonly port: number;
  /** Connections reset so far. */
  readonly resets: number;
  cutDuringBegin(): void;
  cutAfterBegin(): void;
  close(): Promise<void>;
}

type Plan = 'during-begin' | 'after-begin' | undefined;

/** A simple or extended-protocol message carrying the text `begin` (drizzle sends it in lower case). */
const isBegin = (chunk: Buffer) => /\bbegin\b/i.test(chunk.toString('latin1'));

export async function startResettingProxy(target: { host: string; port: number }): Promise<ResettingProxy> {
  const open = new Set<Socket>();
  let plan: Plan;
  let resets = 0;
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    let afterBegin = false;
    const reset = () => {
      resets++;
      open.delete(client);
      open.delete(upstream);
      client.resetAndDestroy();
      upstream.destroy();
    };
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    client.on('data', (chunk: Buffer) => {
      if (afterBegin) {
        afterBegin = false;
        plan = undefined;
        reset();
        return;
      }
      if (plan !== undefined && isBegin(chunk)) {
        if (plan === 'during-begin') {
          plan = undefined;
          // Let the client's write complete first, so the reset finds BEGIN waiting for its answer.
          setImmediate(reset);
          return;
        }
        afterBegin = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  return {
    port: address.port,
    get resets() {
      return resets;
    },
    cutDuringBegin() {
      plan = 'during-begin';
    },
    cutAfterBegin() {
      plan = 'after-begin';
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        open.clear();
        server.close(() => resolve());
      }),
  };
}
