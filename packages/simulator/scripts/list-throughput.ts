/**
 * Lists a seeded directory through the real `@scalekit-sdk/node` client, page by page (pageSize 30), and
 * prints users per second: plain, then with includeDetail. By default the simulator runs in this process (what
 * a test suite does); with --separate it runs in a child process and its own CPU time is printed too.
 *
 *   pnpm --filter @scim/simulator throughput [users=100000] [rounds=3] [--separate]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ScalekitClient } from '@scalekit-sdk/node';
import { startSimulator } from '../src/index.js';

interface Target {
  url: string;
  clientId: string;
  clientSecret: string;
  organizationId: string;
  directoryId: string;
}

const args = process.argv.slice(2);
const numbers = args.filter((a) => !a.startsWith('--')).map(Number);
const USERS = numbers[0] ?? 100_000;
const ROUNDS = numbers[1] ?? 3;
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

async function serve(): Promise<void> {
  const sim = await startSimulator({ seed: 1 });
  const t = performance.now();
  const { organization, directory } = sim.state.seed({ users: USERS });
  const seedMs = performance.now() - t;
  let cpu = process.cpuUsage();
  process.on('message', (message: string) => {
    if (message === 'cpu') {
      process.send?.({ cpuMs: cpuMs(process.cpuUsage(cpu)) });
      cpu = process.cpuUsage();
    } else void sim.close().then(() => process.exit(0));
  });
  const target: Target = {
    url: sim.url,
    ...sim.credentials,
    organizationId: organization.id,
    directoryId: directory.id,
  };
  process.send?.({ target, seedMs, groups: directory.totalGroups });
}

async function measure(): Promise<void> {
  process.env.NO_PROXY = '127.0.0.1,localhost';
  const separate = args.includes('--separate');
  let target: Target;
  let serverCpu: (() => Promise<number>) | null = null;
  let stop: () => Promise<void>;
  if (separate) {
    const child = fork(fileURLToPath(import.meta.url), [String(USERS), '--serve'], { execArgv: ['--import', 'tsx'] });
    const next = () => new Promise<Record<string, unknown>>((resolve) => child.once('message', resolve));
    const ready = (await next()) as { target: Target; seedMs: number; groups: number };
    console.log(`seeded ${USERS} users, ${ready.groups} groups in ${ready.seedMs.toFixed(0)} ms (child process)`);
    target = ready.target;
    serverCpu = async () => {
      child.send('cpu');
      return ((await next()) as { cpuMs: number }).cpuMs;
    };
    stop = async () => {
      child.send('close');
      await new Promise((resolve) => child.once('exit', resolve));
    };
  } else {
    const sim = await startSimulator({ seed: 1 });
    const t = performance.now();
    const { organization, directory } = sim.state.seed({ users: USERS });
    console.log(`seeded ${USERS} users, ${directory.totalGroups} groups in ${(performance.now() - t).toFixed(0)} ms`);
    target = { url: sim.url, ...sim.credentials, organizationId: organization.id, directoryId: directory.id };
    stop = () => sim.close();
  }

  const client = new ScalekitClient(target.url, target.clientId, target.clientSecret);
  for (const includeDetail of [false, true]) {
    for (let round = 1; round <= ROUNDS; round++) {
      await serverCpu?.();
      const start = performance.now();
      const cpu = process.cpuUsage();
      let pageToken = '';
      let users = 0;
      let pages = 0;
      do {
        const page = await client.directory.listDirectoryUsers(target.organizationId, target.directoryId, {
          pageSize: 30,
          pageToken,
          includeDetail,
        });
        users += page.users.length;
        pages++;
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      const ms = performance.now() - start;
      const ownCpu = cpuMs(process.cpuUsage(cpu));
      if (users !== USERS) throw new Error(`listed ${users} users, expected ${USERS}`);
      const server = serverCpu === null ? '' : `, simulator ${((await serverCpu()) / pages).toFixed(2)} ms CPU/RPC`;
      console.log(
        `includeDetail=${includeDetail} round ${round}: ${users} users in ${pages} RPCs, ${ms.toFixed(0)} ms = ` +
          `${Math.round((users / ms) * 1000)} users/s, ${Math.round((pages / ms) * 1000)} RPC/s ` +
          `(this process ${(ownCpu / pages).toFixed(2)} ms CPU/RPC${server})`,
      );
    }
  }
  await stop();
}

await (args.includes('--serve') ? serve() : measure());
