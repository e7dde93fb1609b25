import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ScalekitClient } from '@scalekit-sdk/node';
import { startSimulator } from '@scim/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './fixture/app.js';
import * as schema from './fixture/schema.js';
import { appFolder, scalekitOf, writeConfig } from './fixture/workspace.js';

const bin = fileURLToPath(new URL('../bin/scim.mjs', import.meta.url));
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Starts `scim simulator` and resolves once it printed its variables. */
async function startSimulatorBin(args: string[]) {
  const child = spawn(process.execPath, [bin, 'simulator', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('export SCALEKIT_WEBHOOK_SECRET=')) resolve();
    });
    exited.then(() => reject(new Error(`scim simulator exited early:\n${lines.join('\n')}\n${stderr}`)));
  });
  const env: Record<string, string> = {};
  for (const line of lines) {
    const match = /^export (SCALEKIT_\w+)=(.+)$/.exec(line);
    if (match) env[match[1]!] = match[2]!;
  }
  const ids = /# organization (org_\S+), directory (dir_\S+): (\d+) users/.exec(lines.join('\n'));
  return { child, env, lines, stderr: () => stderr, exited, organizationId: ids?.[1], directoryId: ids?.[2] };
}

describe('the scim bin, as a user runs it', () => {
  it('starts the simulator, prints the variables to export, and stops on Ctrl-C', async () => {
    const sim = await startSimulatorBin(['--port', '0', '--users', '5', '--seed', '9']);
    expect(Object.keys(sim.env).sort()).toEqual([
      'SCALEKIT_CLIENT_ID',
      'SCALEKIT_CLIENT_SECRET',
      'SCALEKIT_ENVIRONMENT_URL',
      'SCALEKIT_WEBHOOK_SECRET',
    ]);
    expect(sim.lines.join('\n')).toContain('not secrets of a Scalekit account');
    expect(sim.env.SCALEKIT_WEBHOOK_SECRET).toMatch(/^whsec_/);

    // The real client, pointed at what it printed, lists the generated directory.
    const client = new ScalekitClient(
      sim.env.SCALEKIT_ENVIRONMENT_URL!,
      sim.env.SCALEKIT_CLIENT_ID!,
      sim.env.SCALEKIT_CLIENT_SECRET!,
    );
    const page = await client.directory.listDirectoryUsers(sim.organizationId!, sim.directoryId!, { pageSize: 10 });
    expect(page.users).toHaveLength(5);

    // `scim sync` as a child process, in the app's folder, against that simulator.
    const folder = await appFolder();
    cleanups.push(folder.remove);
    await writeConfig(folder.dir, {
      file: folder.file,
      scalekit: scalekitOf(sim.env),
      defaultDepartment: 'Unassigned',
    });
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'sync', '--org', sim.organizationId!], {
      cwd: folder.dir,
    });
    expect(stdout).toMatch(/^created\s+5\s+\d+$/m);
    const { client: sqlite, db } = openDatabase(folder.file);
    expect(db.select().from(schema.members).all()).toHaveLength(5);
    sqlite.close();

    sim.child.kill('SIGINT');
    const [code] = await sim.exited;
    expect(code).toBe(0);
    expect(sim.stderr()).toContain('SIGINT: stopping');
  });

  it('stops a sync on Ctrl-C, says so, and leaves it resumable', async () => {
    // A far-away Scalekit: every page takes a while, so the sync is still listing when Ctrl-C comes.
    const sim = await startSimulator({ seed: 5, faults: { api: { latencyMs: 150 } } });
    cleanups.push(() => sim.close());
    const { organization } = sim.state.seed({ users: 400 });
    const folder = await appFolder();
    cleanups.push(folder.remove);
    await writeConfig(folder.dir, {
      file: folder.file,
      scalekit: scalekitOf(sim.env()),
      defaultDepartment: 'Unassigned',
      sync: { pageSize: 10, batchSize: 10 },
    });
    const child = spawn(process.execPath, [bin, 'sync', '--org', organization.id], {
      cwd: folder.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    const exited = once(child, 'exit');
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/\] users: /.test(stderr)) resolve();
      });
    });
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(1);
    expect(stderr).toContain(`the sync of ${organization.id} failed`);
    expect(stderr).toContain('The sync was aborted [SYNC_ABORTED]');
    expect(stderr).toContain('caused by: interrupted (Ctrl-C)');

    const status = await promisify(execFile)(process.execPath, [bin, 'status', '--org', organization.id], {
      cwd: folder.dir,
    });
    expect(status.stdout).toContain('interrupted full sync; the next run resumes');
    expect(status.stdout).toContain('SYNC_ABORTED');
  });

  it('refuses a bad flag with a message and exit code 1, without a stack trace', async () => {
    const failure = await promisify(execFile)(process.execPath, [bin, 'simulator', '--users', 'abc']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    const { stderr } = failure as { stderr: string };
    expect(stderr).toContain(`option '--users <n>' argument 'abc' is invalid. expected a whole number`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
