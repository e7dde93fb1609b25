import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScimServer } from '../../src/index.js';

export const BASE_PATH = '/scim/v2';

export interface RunningScim {
  /** The SCIM base URL, e.g. `http://127.0.0.1:41234/scim/v2`. */
  baseUrl: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `handle` behind a plain `node:http` server: the smallest binding, for the package's own HTTP tests. */
export async function serveScim(scim: ScimServer): Promise<RunningScim> {
  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(BASE_PATH)) {
      res.writeHead(404).end();
      return;
    }
    const body = await readBody(req, scim.maxBodyBytes);
    if (body === 'too-large') {
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    const response = await scim.handle({
      method: req.method ?? 'GET',
      path: url.pathname.slice(BASE_PATH.length),
      query: url.search,
      headers: req.headers,
      body,
      baseUrl: `http://${req.headers.host}${BASE_PATH}`,
    });
    const text = response.body === undefined ? undefined : JSON.stringify(response.body);
    res.writeHead(response.status, response.headers);
    res.end(text);
  };
  const server = createServer((req, res) => {
    listener(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${BASE_PATH}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
