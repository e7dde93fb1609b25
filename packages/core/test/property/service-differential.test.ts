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
import { type AppRow, memoryApp } from './memory-app.js';

/**
 * The two user layers must make the same app: the same directory story applied through the adapter's
 * table mapping and through the app's own service functions (with the SDK's identity links) leaves the
 * same users (fields, active, roles), the same memberships and groups, and tells the same hooks. A
 * rule the service layer applies differently from the table mapping makes this fail. The app either
 * writes `active` as its functions are given it, or changes access only through deactivate and
 * reactivate: then a deactivate or reactivate the SDK leaves out shows too (checked by removing each
 * of the service layer's calls in turn, and its role updates: every one failed this test).
 */

const ORG = 'org_modes';
const MS = 1_000_000n;

type Policy = 'deactivate' | 'delete';
type Mode = 'table' | 'service';

interface Run {
  mode: Mode;
  adapter: MemoryAdapter;
  engine: ScimEngine;
  hooks: string[];
  /** The app's user of a directory user: its table row (table mode) or its linked row (service mode). */
  user(id: string): AppRow | null;
}

function hooksInto(calls: string[]): ScimHooks {
  return {
    onUserProvisioned: (p) => void calls.push(`provisioned:${p.change}:${p.user.id}`),
    onUserUpdated: (p) => void calls.push(`updated:${p.user.id}`),
    onUserDeprovisioned: (p) => void calls.push(`deprovisioned:${p.action}:${p.reason}:${p.userId}`),
    onGroupChanged: (p) => void calls.push(`group-${p.change}:${p.group.id}`),
  };
}

type Access = 'fields' | 'functions';

function run(mode: Mode, setup: Setup, current: () => Step, clock: { now: Date }): Run {
  const { deprovision, access } = setup;
  const adapter = memoryAdapter({ userTable: mode === 'table' });
  const app = memoryApp(access);
  const hooks: string[] = [];
  const engine = createScimEngine({
    adapter,
    ...(mode === 'service' ? { users: app.users } : {}),
    logger: silentLogger,
    deprovision,
    groupRoles: ROLE_TABLE,
    defaultRoles: ['member'],
    hooks: hooksInto(hooks),
    now: () => clock.now,
    scalekit: directoryApi(ORG, current),
    sync: { batchSize: 2, pageSize: 2, groupPageSize: 1, concurrency: 2, retryBaseMs: 1 },
  });
  const user = (id: string): AppRow | null => {
    if (mode === 'service') {
      const appUserId = adapter.inspect.link(ORG, id);
      if (appUserId === null) return null;
      const row = app.rows.get(appUserId);
      expect(row, `the app user ${appUserId} linked to ${id}`).toBeDefined();
      return { ...row!, roles: [...row!.roles].sort() };
    }
    const row = adapter.inspect.user(ORG, id);
    if (row === null) return null;
    return {
      email: row.email ?? null,
      displayName: row.displayName ?? null,
      department: row.department ?? null,
      active: row.active,
      roles: [...row.roles].sort(),
    };
  };
  return { mode, adapter, engine, hooks, user };
}

function appState(r: Run, history: DirectoryHistory) {
  const users: Record<string, unknown> = {};
  for (const id of history.userIds) {
    users[id] = { row: r.user(id), groups: r.adapter.inspect.groupIdsOfUser(ORG, id) };
  }
  const groups: Record<string, string | null> = {};
  for (const id of history.groupIds) groups[id] = r.adapter.inspect.group(ORG, id)?.displayName ?? null;
  return { users, groups, hooks: r.hooks };
}

/** One thing done to both apps: a delivery, or a sync against the directory as it is at a step. */
type Action = { deliver: Record<string, unknown> } | { sync: 'full' | 'incremental'; step: number };

/** The engine's deprovision policy, and how the app's functions change a user's access. */
interface Setup {
  deprovision: Policy;
  access: Access;
}

async function play(mode: Mode, history: DirectoryHistory, setup: Setup, actions: readonly Action[]) {
  let current: Step = history.steps[0]!;
  const clock = { now: new Date(0) };
  const r = run(mode, setup, () => current, clock);
  for (const action of actions) {
    if ('deliver' in action) {
      const result = await r.engine.applyEvent(parseDirectoryEvent(action.deliver));
      expect(['applied', 'duplicate', 'stale']).toContain(result.outcome);
      continue;
    }
    current = history.steps[action.step]!;
    const lastVersion = current.events[current.events.length - 1]!.version;
    clock.now = nanosToDate((lastVersion / MS + 1n) * MS);
    await r.engine.sync({ organizationId: ORG, mode: action.sync, force: true });
  }
  return appState(r, history);
}

const setupArb = fc.record({
  deprovision: fc.constantFrom<Policy>('deactivate', 'delete'),
  access: fc.constantFrom<Access>('fields', 'functions'),
});

describe('the table mapping and the app service functions make the same app', () => {
  it('webhooks in any order, with duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(
        directoryHistoryArb(ORG).chain((history) => {
          const count = history.steps.flatMap((s) => s.events).length;
          return fc.record({
            history: fc.constant(history),
            setup: setupArb,
            order: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 2 })), { minLength: count, maxLength: count }),
          });
        }),
        async ({ history, setup, order }) => {
          const actions: Action[] = history.steps
            .flatMap((s) => s.events)
            .flatMap((event, i) =>
              Array.from({ length: order[i]![1] }, (_, copy) => ({ payload: event.payload, key: order[i]![0] + copy })),
            )
            .sort((a, b) => a.key - b.key)
            .map(({ payload }) => ({ deliver: payload }));
          expect(await play('service', history, setup, actions)).toEqual(await play('table', history, setup, actions));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('webhooks and syncs (full and incremental) interleaved, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        directoryHistoryArb(ORG).chain((history) =>
          fc.record({
            history: fc.constant(history),
            setup: setupArb,
            // Per step: its webhooks, a sync after it, or both.
            how: fc.array(fc.constantFrom('webhooks', 'sync', 'both'), {
              minLength: history.steps.length,
              maxLength: history.steps.length,
            }),
            incremental: fc.array(fc.boolean(), { minLength: history.steps.length, maxLength: history.steps.length }),
          }),
        ),
        async ({ history, setup, how, incremental }) => {
          fc.pre(history.steps.length > 0);
          const actions: Action[] = history.steps.flatMap((step, i): Action[] => {
            const deliveries = how[i] === 'sync' ? [] : step.events.map((e) => ({ deliver: e.payload }));
            // An incremental sync cannot see deletions.
            const sync = incremental[i] && !step.deletes ? 'incremental' : 'full';
            return how[i] === 'webhooks' ? deliveries : [...deliveries, { sync, step: i }];
          });
          actions.push({ sync: 'full', step: history.steps.length - 1 });
          expect(await play('service', history, setup, actions)).toEqual(await play('table', history, setup, actions));
        },
      ),
      { numRuns: 100 },
    );
  });
});
