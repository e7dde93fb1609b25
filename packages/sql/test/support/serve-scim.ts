import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScimServer } from '@scim/scim-server';

const BASE_PATH = '/scim/v2';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The SCIM server behind a bare `node:http` server; resolves its base URL and the way to stop it. */
export async function serveScim(scim: ScimServer): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    readBody(req)
      .then((body) =>
        scim.handle({
          method: req.method ?? 'GET',
          path: url.pathname.slice(BASE_PATH.length),
          query: url.search,
          headers: req.headers,
          body,
          baseUrl: `http://${req.headers.host}${BASE_PATH}`,
        }),
      )
      .then((response) => {
        res.writeHead(response.status, response.headers);
        res.end(response.body === undefined ? undefined : JSON.stringify(response.body));
      })
      .catch((error: unknown) => res.writeHead(500).end(String(error)));
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
