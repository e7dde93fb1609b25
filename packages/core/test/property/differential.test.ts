import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MemoryAdapter, memoryAdapter } from '../../src/adapter/memory-adapter.js';
import type { ScimHooks } from '../../src/apply/types.js';
import { createScimEngine } from '../../src/create-engine.js';
import type { ScimEngine } from '../../src/engine-options.js';
import { parseDirectoryEvent } from '../../src/events/parse.js';
import { nanosToDate } from '../../src/events/timestamp.js';
import { silentLogger } from '../../src/logger.js';
import { type DirectoryHistory, directoryApi, directoryHistoryArb, ROLE_TABLE, type Step } from './directory-model.js';

/**
 * The same directory history reaches the app by webhook and by sync, and must leave the same app:
 * users and their fields, active or not, memberships, roles, and the hooks the app is told of (their
 * kind and user; not their source). This is what "one apply path" means from the outside: a rule
 * changed on one path alone makes this fail.
 */

const ORG = 'org_diff';
const MS = 1_000_000n;

type Policy = 'deactivate' | 'delete';

/** Every hook call, as kind and id (the `source` field aside). */
function recordingHooks(calls: string[]): ScimHooks {
  return {
    onUserProvisioned: (p) => void calls.push(`provisioned:${p.change}:${p.user.id}`),
    onUserUpdated: (p) => void calls.push(`updated:${p.user.id}`),
    onUserDeprovisioned: (p) => void calls.push(`deprovisioned:${p.action}:${p.reason}:${p.userId}`),
    onGroupChanged: (p) => void calls.push(`group-${p.change}:${p.group.id}`),
  };
}

interface Path {
  adapter: MemoryAdapter;
  engine: ScimEngine;
  calls: string[];
}

function path(deprovision: Policy, extra: { now?: () => Date; scalekit?: ReturnType<typeof directoryApi> } = {}): Path {
  const adapter = memoryAdapter();
  const calls: string[] = [];
  const engine = createScimEngine({
    adapter,
    logger: silentLogger,
    deprovision,
    groupRoles: ROLE_TABLE,
    defaultRoles: ['member'],
    hooks: recordingHooks(calls),
    // Small batches and pages, so that a sync runs several of each.
    sync: { batchSize: 2, pageSize: 2, groupPageSize: 1, concurrency: 2, retryBaseMs: 1 },
    ...extra,
  });
  return { adapter, engine, calls };
}

/** The app as the two paths must agree on it. A deleted user is left out: its row, if any, must be inactive. */
function appState(adapter: MemoryAdapter, history: DirectoryHistory) {
  const { inspect } = adapter;
  const users: Record<string, unknown> = {};
  for (const id of history.userIds) {
    const user = inspect.user(ORG, id);
    const state = inspect.entity(ORG, 'user', id);
    if (state?.deleted === true) {
      expect(user?.active ?? false, `deleted user ${id} is inactive`).toBe(false);
      continue;
    }
    if (user === null) continue;
    users[id] = {
      email: user.email ?? null,
      displayName: user.displayName ?? null,
      department: user.department ?? null,
      active: user.active,
      roles: [...user.roles].sort(),
      groups: inspect.groupIdsOfUser(ORG, id),
    };
  }
  const groups: Record<string, string | null> = {};
  for (const id of history.groupIds) {
    const group = inspect.group(ORG, id);
    if (group !== null) groups[id] = group.displayName;
  }
  return { users, groups };
}

/** Runs a sync after each chosen step, against the directory as it is then; the last one is full. */
async function bySync(
  history: DirectoryHistory,
  deprovision: Policy,
  syncAfter: readonly boolean[],
  modes: readonly boolean[],
) {
  let current: Step = history.steps[0]!;
  const clock = { now: new Date(0) };
  const p = path(deprovision, { now: () => clock.now, scalekit: directoryApi(ORG, () => current) });
  const hooksByStep: string[][] = [];
  for (let i = 0; i < history.steps.length; i++) {
    current = history.steps[i]!;
    const last = i === history.steps.length - 1;
    if (!last && !syncAfter[i]) continue;
    const lastVersion = current.events[current.events.length - 1]!.version;
    clock.now = nanosToDate((lastVersion / MS + 1n) * MS);
    const before = p.calls.length;
    // An incremental sync cannot see deletions: a step that deletes is followed by a full one.
    const mode = last || current.deletes || !modes[i] ? 'full' : 'incremental';
    await p.engine.sync({ organizationId: ORG, mode, force: true });
    hooksByStep[i] = p.calls.slice(before).sort();
  }
  return { state: appState(p.adapter, history), hooksByStep };
}

async function deliver(p: Path, payload: Record<string, unknown>) {
  const result = await p.engine.applyEvent(parseDirectoryEvent(payload));
  expect(['applied', 'duplicate', 'stale']).toContain(result.outcome);
}

describe('webhooks and syncs apply the same rules', () => {
  it('the same history by webhook (any order, duplicates) and by syncs (full and incremental) leaves the same app', async () => {
    await fc.assert(
      fc.asyncProperty(
        directoryHistoryArb(ORG).chain((history) =>
          fc.record({
            history: fc.constant(history),
            deprovision: fc.constantFrom<Policy>('deactivate', 'delete'),
            order: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 2 })), {
              minLength: history.steps.flatMap((s) => s.events).length,
              maxLength: history.steps.flatMap((s) => s.events).length,
            }),
            syncAfter: fc.array(fc.boolean(), { minLength: history.steps.length, maxLength: history.steps.length }),
            modes: fc.array(fc.boolean(), { minLength: history.steps.length, maxLength: history.steps.length }),
          }),
        ),
        async ({ history, deprovision, order, syncAfter, modes }) => {
          const events = history.steps.flatMap((s) => s.events);
          const deliveries = events
            .flatMap((event, i) =>
              Array.from({ length: order[i]![1] }, (_, copy) => ({ event, key: order[i]![0] + copy })),
            )
            .sort((a, b) => a.key - b.key);
          const webhook = path(deprovision);
          for (const { event } of deliveries) await deliver(webhook, event.payload);

          const synced = await bySync(history, deprovision, syncAfter, modes);
          expect(synced.state).toEqual(appState(webhook.adapter, history));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('in order, each change tells the app the same hooks by webhook as a sync right after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        directoryHistoryArb(ORG).chain((history) =>
          fc.record({
            history: fc.constant(history),
            deprovision: fc.constantFrom<Policy>('deactivate', 'delete'),
            duplicate: fc.array(fc.boolean(), { minLength: history.steps.length, maxLength: history.steps.length }),
            modes: fc.array(fc.boolean(), { minLength: history.steps.length, maxLength: history.steps.length }),
          }),
        ),
        async ({ history, deprovision, duplicate, modes }) => {
          const webhook = path(deprovision);
          const byWebhook: string[][] = [];
          for (let i = 0; i < history.steps.length; i++) {
            const before = webhook.calls.length;
            for (const event of history.steps[i]!.events) {
              await deliver(webhook, event.payload);
              if (duplicate[i]) await deliver(webhook, event.payload);
            }
            byWebhook[i] = webhook.calls.slice(before).sort();
          }
          const synced = await bySync(
            history,
            deprovision,
            history.steps.map(() => true),
            modes,
          );
          expect(synced.hooksByStep).toEqual(byWebhook);
          expect(synced.state).toEqual(appState(webhook.adapter, history));
        },
      ),
      { numRuns: 100 },
    );
  });
});
