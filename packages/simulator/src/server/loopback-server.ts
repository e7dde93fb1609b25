import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

/** The client connection preface every HTTP/2 connection with prior knowledge (h2c) starts with. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

type RequestHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

export interface LoopbackServerOptions {
  host: string;
  port: number;
  /** Handles every request, HTTP/1.1 and HTTP/2 alike. */
  handler: RequestHandler;
}

export interface LoopbackServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  /** Stops listening and destroys every connection and HTTP/2 session; leaves no handle open. */
  close(): Promise<void>;
}

/**
 * One port for cleartext HTTP/2 (gRPC) and HTTP/1.1 (the token endpoint). Node's `http2` server only
 * negotiates HTTP/1.1 through TLS ALPN, so the first bytes of each connection are read here: a connection
 * that opens with the HTTP/2 preface goes to an `http2` server, any other to an `http` server.
 */
export function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  const h1 = http.createServer(options.handler as http.RequestListener);
  // The SDK keeps its HTTP/2 session open; keep-alive HTTP/1.1 sockets are closed with the server too.
  h1.keepAliveTimeout = 5_000;
  const h2 = http2.createServer(
    {},
    options.handler as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
  );
  h2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const swallow = () => {};
  h1.on('clientError', (_error, socket) => socket.destroy());
  h2.on('sessionError', swallow);

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', swallow);
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const n = Math.min(head.length, H2_PREFACE.length);
      const isH2 = head.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      // Still a prefix of the preface: wait for more bytes before deciding.
      if (isH2 && n < H2_PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      if (isH2) {
        // The session reads what is buffered on its own (and must be the only reader): no resume here.
        h2.emit('connection', socket);
      } else {
        h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      let closing: Promise<void> | undefined;
      resolve({
        host: options.host,
        port: address.port,
        url: `http://${host}:${address.port}`,
        close() {
          closing ??= (async () => {
            const closed = new Promise<void>((done) => server.close(() => done()));
            const socketsClosed = [...sockets].map((socket) => new Promise((done) => socket.once('close', done)));
            for (const session of sessions) session.destroy();
            for (const socket of sockets) socket.destroy();
            await Promise.all([closed, ...socketsClosed]);
            // The listening handle finishes closing on the next turn of the event loop.
            await new Promise((done) => setImmediate(done));
          })();
          return closing;
        },
      });
    });
  });
}
