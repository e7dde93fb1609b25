import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/**
 * An example app running as its own process, the way a user runs it: `node --import tsx src/main.ts`
 * in the example's folder, configured by environment variables only. Every example prints
 * `listening on <url>` once its HTTP server accepts connections.
 */
export interface AppProcess {
  url: string;
  /** Everything the app printed so far (stdout and stderr), for a failing test or a demo to show. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
  readonly child: ChildProcess;
}

export interface StartAppOptions {
  /** The example's folder (holding `src/main.ts`). */
  cwd: string;
  /** Added to the parent's environment. */
  env: Record<string, string | undefined>;
  /** Give up waiting for `listening on` after this long. Default 60 s. */
  startTimeoutMs?: number;
  /** Called with each line the app prints. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  entry?: string;
}

const LISTENING = /listening on (http:\/\/\S+)/;

export async function startApp(options: StartAppOptions): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'src/main.ts'], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let resolveUrl: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => {
    resolveUrl = resolve;
  });
  for (const [stream, name] of [
    [child.stdout, 'stdout'],
    [child.stderr, 'stderr'],
  ] as const) {
    if (stream === null) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > 2000) lines.shift();
      options.onLine?.(line, name);
      const match = LISTENING.exec(line);
      if (match?.[1] !== undefined) resolveUrl(match[1]);
    });
  }
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  // Only a hang fails: a busy 2-core machine can take minutes to start tsx, migrate and listen.
  const timeoutMs = options.startTimeoutMs ?? 240_000;
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    listening,
    exited.then(([code, signal]) => {
      throw new Error(`the app exited before listening (code ${code}, signal ${signal}):\n${lines.join('\n')}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the app did not print "listening on" within ${timeoutMs} ms:\n${lines.join('\n')}`)),
        timeoutMs,
      );
    }),
  ]).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  clearTimeout(timer);

  return {
    url,
    child,
    output: () => lines.join('\n'),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const [code] = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}
