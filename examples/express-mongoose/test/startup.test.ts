import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs the app as `pnpm start` would, to its exit; answers its exit code and everything it printed. */
async function runApp(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: exampleDir,
    env: { ...process.env, MONGODB_URI: undefined, DATABASE_URL: undefined, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  // Only a hang is killed: a busy 2-core machine can take a minute to start tsx and the app.
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

describe('the express-mongoose app at startup, without a MongoDB server', () => {
  it('refuses to start without MONGODB_URI, with a clear message and no stack', async () => {
    const { code, output } = await runApp({});
    expect(code).toBe(1);
    expect(output).toContain('MONGODB_URI is required');
    expect(output).toContain('no embedded database');
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('listening on');
  });

  it('exits when MongoDB is unreachable, naming the host but never the password', async () => {
    const { code, output } = await runApp({
      MONGODB_URI: 'mongodb://alice:hunter2-secret@127.0.0.1:1/app?serverSelectionTimeoutMS=500',
    });
    expect(code).toBe(1);
    expect(output).toContain('could not connect to MongoDB');
    expect(output).toContain('127.0.0.1:1');
    expect(output).not.toContain('hunter2-secret');
    expect(output).not.toContain('listening on');
  });
});
