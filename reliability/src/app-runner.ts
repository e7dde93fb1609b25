/**
 * The scenarios' app as a real child process (`src/app/main.ts`): started, SIGKILLed and started again on
 * the same port, or run as a one-off full sync that can be killed mid-way.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type AppProcess, startApp } from '@scim/demo/harness';
import type { Simulator } from '@scim/simulator';
import type { BindingName } from './apps.js';

const packageRoot = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = 'src/app/main.ts';

/** A port free right now on loopback (the app is restarted on it, so the webhook URL stays the same). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

function appEnv(sim: Simulator, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...sim.env(), SCIM_DATABASE_URL: databaseUrl, NO_PROXY: '127.0.0.1,localhost', ...extra };
}

export function startAppProcess(options: {
  binding: BindingName;
  databaseUrl: string;
  port: number;
  sim: Simulator;
  env?: Record<string, string>;
}): Promise<AppProcess> {
  return startApp({
    cwd: packageRoot,
    entry: ENTRY,
    env: appEnv(options.sim, options.databaseUrl, {
      SCIM_BINDING: options.binding,
      SCIM_PORT: String(options.port),
      ...options.env,
    }),
  });
}

export interface SyncProgressLine {
  phase: string;
  pages: number;
  usersListed: number;
  usersWritten: number;
}

export interface SyncProcessResult {
  killed: boolean;
  report: Record<string, unknown> | null;
  progress: SyncProgressLine[];
  output: string;
}

/** Runs one full sync in a child process; SIGKILLs it as soon as `killWhen` says so. */
export async function runSyncProcess(options: {
  databaseUrl: string;
  sim: Simulator;
  organizationId: string;
  killWhen?: (progress: SyncProgressLine) => boolean;
  env?: Record<string, string>;
}): Promise<SyncProcessResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: packageRoot,
    env: {
      ...process.env,
      ...appEnv(options.sim, options.databaseUrl, {
        SCIM_MODE: 'sync',
        SCIM_ORGANIZATION_ID: options.organizationId,
        ...options.env,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  const lines: string[] = [];
  const progress: SyncProgressLine[] = [];
  let report: Record<string, unknown> | null = null;
  let killed = false;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('progress ')) {
        const step = JSON.parse(line.slice('progress '.length)) as SyncProgressLine;
        progress.push(step);
        if (!killed && options.killWhen?.(step)) {
          killed = true;
          child.kill('SIGKILL');
        }
      } else if (line.startsWith('report ')) {
        report = JSON.parse(line.slice('report '.length)) as Record<string, unknown>;
      }
    });
  }
  await Promise.all([exited, once(child.stdout, 'close'), once(child.stderr, 'close')]);
  return { killed, report, progress, output: lines.slice(-50).join('\n') };
}

/** Resident set size of a process, in MiB, from /proc (Linux). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}
