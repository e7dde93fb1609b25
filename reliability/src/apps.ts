import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { ScimEngine, ScimError, ScimLogger } from '@scim/core';
import { scimRouter } from '@scim/http-express';
import { scimWebhookPlugin } from '@scim/http-fastify';
import express from 'express';
import Fastify from 'fastify';

export type BindingName = 'express' | 'fastify';
export const BINDINGS: readonly BindingName[] = ['express', 'fastify'];

export const WEBHOOK_PATH = '/webhooks/scalekit';

export interface AppOptions {
  /** The binding's own logger (Express) or a sink for Fastify's pino lines. */
  logger?: ScimLogger;
  /** Every line the framework itself logs (Fastify's logger at debug level). */
  frameworkLines?: string[];
  onError?: (error: ScimError) => void;
  /** Default 0: any free port. */
  port?: number;
}

export interface RunningApp {
  binding: BindingName;
  /** The webhook endpoint. */
  url: string;
  health: string;
  close(): Promise<void>;
}

/** Serves `engine` through one HTTP binding on an ephemeral loopback port, as an app would. */
export async function startApp(
  binding: BindingName,
  engine: ScimEngine,
  options: AppOptions = {},
): Promise<RunningApp> {
  const onError = options.onError === undefined ? undefined : (error: ScimError) => options.onError?.(error);
  if (binding === 'express') {
    const app = express();
    app.use(
      WEBHOOK_PATH,
      scimRouter(engine, {
        healthPath: '/health',
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        ...(onError === undefined ? {} : { onError }),
      }),
    );
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
    return {
      binding,
      url: base,
      health: `${base}/health`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.closeAllConnections();
          server.close((error) => (error ? reject(error) : resolve()));
        }),
    };
  }
  const lines = options.frameworkLines;
  const app = Fastify({
    logger:
      lines === undefined
        ? false
        : {
            level: 'debug',
            stream: new Writable({
              write(chunk: Buffer, _encoding, callback) {
                lines.push(chunk.toString('utf8'));
                callback();
              },
            }),
          },
  });
  await app.register(scimWebhookPlugin, {
    prefix: WEBHOOK_PATH,
    engine,
    healthPath: '/health',
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(onError === undefined ? {} : { onError }),
  });
  const address = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  return {
    binding,
    url: `${address}${WEBHOOK_PATH}`,
    health: `${address}${WEBHOOK_PATH}/health`,
    close: () => app.close(),
  };
}
