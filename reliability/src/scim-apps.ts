import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@scim/core';
import { type ScimServerLike, scimServerRoute } from '@scim/http-express';
import { scimServerPlugin } from '@scim/http-fastify';
import express from 'express';
import Fastify from 'fastify';
import type { BindingName } from './apps.js';

export interface RunningScimApp {
  binding: BindingName;
  /** The SCIM base URL (`.../scim/v2`). */
  baseUrl: string;
  close(): Promise<void>;
}

/** Serves a SCIM server through one HTTP binding under `/scim/v2`, on an ephemeral loopback port, as an app would. */
export async function startScimApp(binding: BindingName, server: ScimServerLike): Promise<RunningScimApp> {
  if (binding === 'express') {
    const app = express();
    app.use(scimServerRoute(server, { logger: silentLogger }));
    const http = createServer(app);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    return {
      binding,
      baseUrl: `http://127.0.0.1:${port}/scim/v2`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          http.closeAllConnections();
          http.close((error) => (error ? reject(error) : resolve()));
        }),
    };
  }
  const app = Fastify({ logger: false });
  await app.register(scimServerPlugin, { server, logger: silentLogger });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { binding, baseUrl: `${address}/scim/v2`, close: () => app.close() };
}
