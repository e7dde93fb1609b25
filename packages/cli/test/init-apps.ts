import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The SDK's checkout (its packages are built), the source of `--packages-from`. */
export const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A copy of a fixture app in a temporary folder, outside the SDK's workspace, as a user's app would be. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `scim-init-${name}-`));
  await cp(join(FIXTURES, name), dir, {
    recursive: true,
    filter: (source) => !source.includes('node_modules'),
  });
  return dir;
}

export async function removeApp(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Runs a command in the app; resolves with its output, rejects with it (and the exit code) on failure. */
export async function sh(dir: string, command: string, args: string[], env: Record<string, string> = {}) {
  try {
    return await promisify(execFile)(command, args, {
      cwd: dir,
      env: { ...process.env, ...env, CI: '1', NO_COLOR: '1' },
      maxBuffer: 32 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${dir}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
    );
  }
}

const SKIP = new Set(['node_modules', '.git', 'generated', '.data', 'pgdata']);

/** Every file of the app (not its dependencies, databases or generated code) with the hash of its content. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (sub: string) => {
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      if (SKIP.has(entry.name) || /\.(db|sqlite)(-\w+)?$/.test(entry.name)) continue;
      const path = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else
        files.set(
          path,
          createHash('sha256')
            .update(await readFile(join(dir, path)))
            .digest('hex'),
        );
    }
  };
  await walk('');
  return files;
}

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

/** Starts the app's own start script and waits for its `listening on <url>` line (no fixed wait). */
export async function startApp(dir: string, env: Record<string, string>): Promise<RunningApp> {
  const child: ChildProcess = spawn('pnpm', ['start'], {
    cwd: dir,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the app exited (${code}) before listening:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    output: () => output,
    async stop() {
      // The whole group: pnpm, tsx and the app's node process.
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}
