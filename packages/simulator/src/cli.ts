#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createRandom } from './random.js';
import { startSimulator } from './simulator.js';
import { DIRECTORY_PROVIDERS, type DirectoryProvider } from './state/types.js';

const USAGE = `Usage: scim-simulator [options]

A local Scalekit: the Directory API (as @scalekit-sdk/node speaks it), the token endpoint, and signed
webhook deliveries. Prints the SCALEKIT_* variables to point an app at it; stops on Ctrl-C.

Options:
  --port <n>             port to listen on (default 8787; 0 picks a free one)
  --host <address>       address to listen on (default 127.0.0.1)
  --seed <n>             seed of ids and generated data (default: random)
  --users <n>            users of the generated directory (default 100; 0 creates none)
  --groups <n>           groups of the generated directory (default: one per 50 users, 5 to 200)
  --provider <name>      ${DIRECTORY_PROVIDERS.join(', ')} (default OKTA)
  --webhook-url <url>    deliver webhooks to this URL (repeatable)
  --seed-events          also deliver the events of the generated directory
  --churn <n>            make n random directory changes a second (default 0)
  --time-scale <x>       multiply webhook retry delays (default 1)
  --api-latency <ms>     delay every API request (gRPC call or token request) by this
                         many ms, each on its own: a far-away Scalekit (default 0)
  --client-id <id>       use this client id instead of a generated one
  --client-secret <s>    use this client secret instead of a generated one
  --webhook-secret <s>   use this whsec_ secret instead of a generated one
  -h, --help             show this help
`;

function fail(message: string): never {
  process.stderr.write(`scim-simulator: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be an integer >= 0`);
  return n;
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a number >= 0`);
  return n;
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const provider = (values.provider ?? 'OKTA').toUpperCase();
  if (!DIRECTORY_PROVIDERS.includes(provider as DirectoryProvider)) fail(`unknown provider ${values.provider}`);
  const seedText = values.seed;
  const seed = seedText === undefined ? undefined : /^\d+$/.test(seedText) ? Number(seedText) : seedText;
  const users = integer(values.users, 'users', 100);
  const churn = number(values.churn, 'churn', 0);
  const latencyMs = number(values['api-latency'], 'api-latency', 0);

  const sim = await startSimulator({
    port: integer(values.port, 'port', 8787),
    host: values.host ?? '127.0.0.1',
    ...(seed === undefined ? {} : { seed }),
    timeScale: number(values['time-scale'], 'time-scale', 1),
    faults: { api: { latencyMs } },
    credentials: {
      ...(values['client-id'] === undefined ? {} : { clientId: values['client-id'] }),
      ...(values['client-secret'] === undefined ? {} : { clientSecret: values['client-secret'] }),
      ...(values['webhook-secret'] === undefined ? {} : { webhookSecret: values['webhook-secret'] }),
    },
  });

  const urls = values['webhook-url'] ?? [];
  const seedEvents = values['seed-events'] === true;
  // Subscribed before seeding only when the seeding's events are wanted.
  if (seedEvents) for (const url of urls) sim.webhooks.subscribe(url);
  const seeded =
    users > 0
      ? sim.state.seed({
          users,
          ...(values.groups === undefined ? {} : { groups: integer(values.groups, 'groups', 0) }),
          provider: provider as DirectoryProvider,
          events: seedEvents,
        })
      : null;
  if (!seedEvents) for (const url of urls) sim.webhooks.subscribe(url);

  const out = process.stdout;
  out.write(`# Scalekit simulator on ${sim.url} (seed ${String(sim.seed)})\n`);
  if (seeded !== null) {
    out.write(
      `# organization ${seeded.organization.id} (${seeded.organization.name}), directory ${seeded.directory.id}: ` +
        `${seeded.userIds.length} users, ${seeded.groupIds.length} groups\n`,
    );
  }
  for (const url of urls) out.write(`# webhooks to ${url}\n`);
  if (latencyMs > 0) out.write(`# every API request answered ${latencyMs} ms late\n`);
  for (const [name, value] of Object.entries(sim.env())) out.write(`${name}=${value}\n`);

  let churnTimer: NodeJS.Timeout | undefined;
  if (churn > 0 && seeded !== null) {
    const random = createRandom(sim.seed, 6);
    const directoryId = seeded.directory.id;
    churnTimer = setInterval(() => randomChange(sim.state, directoryId, random), Math.max(1, 1000 / churn));
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    if (churnTimer !== undefined) clearInterval(churnTimer);
    process.stderr.write(`\n# ${signal}: stopping\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function parse() {
  return parseArgs({
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      users: { type: 'string' },
      groups: { type: 'string' },
      provider: { type: 'string' },
      'webhook-url': { type: 'string', multiple: true },
      'seed-events': { type: 'boolean' },
      churn: { type: 'string' },
      'time-scale': { type: 'string' },
      'api-latency': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'webhook-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type State = Awaited<ReturnType<typeof startSimulator>>['state'];

/** One plausible change, as an identity provider would push it. */
function randomChange(state: State, directoryId: string, random: ReturnType<typeof createRandom>): void {
  const users = state.users(directoryId, { includeInactive: true });
  const groups = state.groups(directoryId);
  if (users.length === 0) return;
  const user = random.pick(users);
  const roll = random.next();
  if (!user.active) state.reactivateUser(user.id);
  else if (roll < 0.4)
    state.updateUser(user.id, { title: `${user.title ?? 'Specialist'}${random.chance(0.5) ? ' II' : ''}` });
  else if (roll < 0.55) state.deactivateUser(user.id, { event: random.chance(0.5) ? 'user_updated' : 'user_deleted' });
  else if (roll < 0.85 && groups.length > 0) {
    const group = random.pick(groups);
    if (user.groupIds.includes(group.id)) state.removeMembers(group.id, [user.id]);
    else state.addMembers(group.id, [user.id]);
  } else {
    const n = random.int(1000, 9999);
    const domain = user.email.split('@')[1] ?? 'example.com';
    state.createUser(directoryId, { email: `new.hire${n}@${domain}`, givenName: 'New', familyName: `Hire ${n}` });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`scim-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
