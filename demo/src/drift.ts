import type { Simulator } from '@scim/simulator';
import { formatTally, tallyDeliveries } from './story.js';

export interface DriftOptions {
  directoryId: string;
  say: (line: string) => void;
  idleTimeoutMs?: number;
}

export interface Drift {
  joinerIds: string[];
  moverIds: string[];
  leaverIds: string[];
  returnerIds: string[];
  /** Deliveries Scalekit gave up after its whole retry schedule. */
  givenUp: number;
}

/**
 * The directory changes while the app is down (a deploy, an outage): Scalekit tries each delivery on
 * its retry schedule (the simulator's time scale makes hours seconds), gets no answer, and gives up.
 * Nothing will ever deliver these changes again: only a reconcile finds them.
 */
export async function driftWhileDown(sim: Simulator, options: DriftOptions): Promise<Drift> {
  const { directoryId, say } = options;
  const before = sim.webhooks.stats().givenUp;
  const from = sim.webhooks.log().length;
  const everyone = sim.state.users(directoryId, { includeInactive: true });
  const active = everyone.filter((user) => user.active);
  const inactive = everyone.filter((user) => !user.active);

  // The company's own domain, as the seeded directory writes it.
  const domain = active[0]?.email.split('@')[1] ?? 'example.com';
  const joinerIds = [
    'Maya Okafor',
    'Jonas Lindqvist',
    'Priya Raman',
    'Tomás Ferreira',
    'Aiko Tanaka',
    'Lena Novak',
  ].map((name) => {
    const [givenName, familyName] = name.split(' ') as [string, string];
    const email = `${givenName}.${familyName}@${domain}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '');
    return sim.state.createUser(directoryId, { email, givenName, familyName, department: 'Customer Success' }).id;
  });
  const movers = active.slice(0, 5);
  for (const user of movers) sim.state.updateUser(user.id, { department: 'Security', title: 'Security Engineer' });
  const leavers = active.slice(5, 9);
  for (const user of leavers) sim.state.deactivateUser(user.id);
  const returners = inactive.slice(0, 1);
  for (const user of returners) sim.state.reactivateUser(user.id);

  say(
    `  ${joinerIds.length} people join, ${movers.length} move to Security, ${leavers.length} leave, ` +
      `${returners.length} comes back`,
  );
  await sim.webhooks.idle({ timeoutMs: options.idleTimeoutMs ?? 60_000 });
  const attempts = sim.webhooks.log().slice(from);
  const givenUp = sim.webhooks.stats().givenUp - before;
  say(
    `  Scalekit tried ${attempts.length} times (${formatTally(tallyDeliveries(attempts))}) and gave up ${givenUp} deliveries`,
  );
  return {
    joinerIds,
    moverIds: movers.map((user) => user.id),
    leaverIds: leavers.map((user) => user.id),
    returnerIds: returners.map((user) => user.id),
    givenUp,
  };
}
