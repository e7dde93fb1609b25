import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ScalekitClient } from '@scalekit-sdk/node';
import { type Simulator, type SimulatorOptions, startSimulator } from '../src/index.js';

/** A simulator that the calling test file closes in `afterAll`/`afterEach`. */
export async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ seed: 42, timeScale: 0.001, ...options });
}

export function clientOf(sim: Simulator, secret = sim.credentials.clientSecret): ScalekitClient {
  return new ScalekitClient(sim.url, sim.credentials.clientId, secret);
}

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** A local webhook endpoint; `answer` decides the status of each delivery (default 200). */
export function receiver(answer: (r: Received) => Promise<number> | number = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const status = await answer(r);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/webhooks/scalekit`,
        received,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}

/** Every user of a listing, following `nextPageToken`. */
export async function listAllUsers(
  client: ScalekitClient,
  organizationId: string,
  directoryId: string,
  options: { pageSize?: number; includeDetail?: boolean; directoryGroupId?: string; updatedAfter?: string } = {},
) {
  const users = [];
  let pageToken = '';
  let pages = 0;
  do {
    const page = await client.directory.listDirectoryUsers(organizationId, directoryId, {
      pageSize: 30,
      ...options,
      pageToken,
    });
    users.push(...page.users);
    pageToken = page.nextPageToken;
    pages++;
  } while (pageToken !== '');
  return { users, pages };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RunningCli {
  child: ChildProcess;
  /** The SCALEKIT_* variables it printed, in order. */
  env: Record<string, string>;
  /** Its `# ...` lines. */
  comments: string[];
  organizationId: string;
  directoryId: string;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/** `scim-simulator` from source, in a process of its own, once it has printed its environment. */
export async function startCli(args: string[]): Promise<RunningCli> {
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const env: Record<string, string> = {};
  const comments: string[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('#')) comments.push(line);
    else {
      const eq = line.indexOf('=');
      env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if ('SCALEKIT_WEBHOOK_SECRET' in env) break;
  }
  const [, organizationId = '', directoryId = ''] =
    /organization (org_\d+) .*directory (dir_\d+)/.exec(comments.join('\n')) ?? [];
  return { child, env, comments, organizationId, directoryId, stderr: () => stderr };
}
