/**
 * The simulator in a process of its own for the sync benchmarks, driven over IPC: `seed` builds a directory,
 * `change` updates that many users, `latency` sets the Directory API's latency per call (answers `{ latencyMs }`),
 * `stats` answers the API's counters, `close` ends the process.
 */
import { startSimulator } from '@scim/simulator';

const sim = await startSimulator({ seed: 2026 });
let userIds: string[] = [];
let changed = 0;

process.on('message', (message: { cmd: string; users?: number; count?: number; ms?: number }) => {
  if (message.cmd === 'seed') {
    // A directory that has existed for a week, as a customer's would: its users' updatedAt lie in the past.
    const seeded = sim.state.seed({
      users: message.users ?? 10_000,
      groups: 50,
      updatedAt: new Date(Date.now() - 7 * 24 * 3600 * 1000),
    });
    userIds = seeded.userIds;
    process.send?.({
      url: sim.url,
      credentials: sim.credentials,
      organizationId: seeded.organization.id,
      directoryId: seeded.directory.id,
    });
  } else if (message.cmd === 'change') {
    const count = message.count ?? 100;
    for (let i = 0; i < count; i++) {
      const id = userIds[(changed++ * 997) % userIds.length]!;
      sim.state.updateUser(id, { familyName: `Changed${changed}` });
    }
    process.send?.({ changed: count });
  } else if (message.cmd === 'latency') {
    sim.api.setFaults({ latencyMs: message.ms ?? 0 });
    process.send?.({ latencyMs: sim.api.faults.latencyMs });
  } else if (message.cmd === 'stats') {
    process.send?.({ stats: sim.api.stats() });
  } else if (message.cmd === 'close') {
    void sim.close().then(() => process.exit(0));
  }
});
process.send?.({ ready: true });
