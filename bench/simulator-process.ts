/**
 * The simulator in a process of its own (sync-simulator.ts), so that its CPU is not the benchmark's, and the IPC
 * the benchmarks speak with it and with their workers.
 */
import { type ChildProcess, fork } from 'node:child_process';

/** What `seed` answers: where the simulator listens and the directory it built. */
export interface Seeded {
  url: string;
  credentials: { clientId: string; clientSecret: string };
  organizationId: string;
  directoryId: string;
}

/** The next message of `child` that `predicate` accepts; rejects if the child exits first. */
export function next<T>(child: ChildProcess, predicate: (message: Record<string, unknown>) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (!predicate(message)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`${child.spawnfile} exited with ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export interface SimulatorProcess {
  child: ChildProcess;
  seeded: Seeded;
  /** Sends `message` and resolves the first answer holding `key`. */
  request<T>(message: Record<string, unknown>, key: string): Promise<T>;
  close(): Promise<void>;
}

/** Starts the simulator process and seeds a directory of `users` users; the process dies with this one. */
export async function startSimulatorProcess(users: number): Promise<SimulatorProcess> {
  const child = fork(new URL('./sync-simulator.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The simulator must not outlive a failed run.
  process.once('exit', () => child.kill());
  const request = <T>(message: Record<string, unknown>, key: string): Promise<T> => {
    const answer = next<T>(child, (m) => key in m);
    child.send(message);
    return answer;
  };
  await next(child, (m) => 'ready' in m);
  const seeded = await request<Seeded>({ cmd: 'seed', users }, 'url');
  return {
    child,
    seeded,
    request,
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ cmd: 'close' });
      await exited;
    },
  };
}
