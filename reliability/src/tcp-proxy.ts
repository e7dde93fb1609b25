import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback between an app and its database, to take the database away and give it back
 * while traffic flows. `cut()` resets every open connection and refuses new ones (as a crashed or
 * partitioned server would); `restore()` lets connections through again.
 */
export interface TcpProxy {
  /** `host:port` clients connect to. */
  readonly host: string;
  readonly port: number;
  readonly connected: boolean;
  /** Connections accepted since start, and refused while cut. */
  readonly stats: { accepted: number; refused: number; reset: number };
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const stats = { accepted: 0, refused: 0, reset: 0 };
  let connected = true;
  const server: Server = createServer((client) => {
    if (!connected) {
      stats.refused++;
      client.resetAndDestroy();
      return;
    }
    stats.accepted++;
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  return {
    host: '127.0.0.1',
    port: address.port,
    get connected() {
      return connected;
    },
    stats,
    cut() {
      connected = false;
      for (const socket of open) {
        stats.reset++;
        socket.resetAndDestroy();
      }
      open.clear();
    },
    restore() {
      connected = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        open.clear();
        server.close(() => resolve());
      }),
  };
}
