import { InvalidArgumentError, Option } from 'commander';
import { writeLines } from '../format.js';
import { integerArgument } from '../options.js';
import type { RegisterCommand } from './types.js';

interface SimulatorFlags {
  port: number;
  host: string;
  users: number;
  groups?: number;
  seed?: string;
  webhookUrl?: string[];
  seedEvents?: boolean;
  timeScale: number;
}

export const registerSimulator: RegisterCommand = (program, io) => {
  program
    .command('simulator')
    .description(
      'Start a local Scalekit (@scim/simulator) with a generated directory, and print the variables to export',
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', integerArgument(0, 65_535), 8787)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--users <n>', 'users of the generated directory (0: no directory)', integerArgument(0, 1_000_000), 100)
    .option(
      '--groups <n>',
      'groups of the generated directory (default: one per 50 users, 5 to 200)',
      integerArgument(0, 10_000),
    )
    .option('--seed <seed>', 'seed of ids and generated data (default: random)')
    .option('--webhook-url <url>', 'deliver webhooks to this URL (repeatable)', collectUrl)
    .option('--seed-events', "also deliver the generated directory's events to the webhook URLs")
    .addOption(
      new Option('--time-scale <x>', 'multiply webhook retry delays (0.001: 15 min become 0.9 s)')
        .argParser(positive)
        .default(1),
    )
    .action(async (flags: SimulatorFlags) => {
      const { startSimulator } = await import('@scim/simulator');
      const seed = flags.seed === undefined ? undefined : /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
      const sim = await startSimulator({
        port: flags.port,
        host: flags.host,
        timeScale: flags.timeScale,
        ...(seed === undefined ? {} : { seed }),
      });
      try {
        const urls = flags.webhookUrl ?? [];
        if (flags.seedEvents) for (const url of urls) sim.webhooks.subscribe(url);
        const seeded =
          flags.users > 0
            ? sim.state.seed({
                users: flags.users,
                ...(flags.groups === undefined ? {} : { groups: flags.groups }),
                events: flags.seedEvents ?? false,
              })
            : null;
        if (!flags.seedEvents) for (const url of urls) sim.webhooks.subscribe(url);

        const lines = [`# Scalekit simulator on ${sim.url} (seed ${String(sim.seed)})`];
        if (seeded !== null) {
          lines.push(
            `# organization ${seeded.organization.id}, directory ${seeded.directory.id}: ${seeded.userIds.length} users, ${seeded.groupIds.length} groups`,
          );
        }
        for (const url of urls) lines.push(`# webhooks to ${url}`);
        lines.push(
          "# These are the simulator's own generated test credentials, not secrets of a Scalekit account.",
          '# Export them (or put them in .env) to point your app at the simulator:',
          ...Object.entries(sim.env()).map(([name, value]) => `export ${name}=${value}`),
        );
        writeLines(io.stdout, lines);
        io.stderr.write('# serving until Ctrl-C\n');
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        io.stderr.write(`# ${signal}: stopping\n`);
      } finally {
        await sim.close();
      }
    });
};

function collectUrl(value: string, previous: string[] | undefined): string[] {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new InvalidArgumentError(`"${value}" is not an http(s) URL.`);
  }
  return [...(previous ?? []), value];
}

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a number above 0, got "${value}".`);
  }
  return n;
}
