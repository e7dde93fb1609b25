import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntityState } from '../adapter/contract.js';
import type { DirectoryGroupRef } from '../events/types.js';
import type { UserChange } from './changes.js';
import { userFingerprint } from './fingerprint.js';
import { classifyUsers, planUsers, type UserPlanInput, type UserStep } from './plan-users.js';
import type { DeprovisionAction } from './types.js';

/**
 * The user rules on their own, no store: for any stored state and any change, the plan says what the
 * table of rules in the README says, and nothing is written for a stale change.
 */

const ORG = 'org_1';
const V = 1_000_000_000n;

const userArb = fc.record({
  email: fc.constantFrom('a@example.com', 'b@example.com', null),
  department: fc.constantFrom('R&D', undefined),
  active: fc.constantFrom(true, false, undefined),
  groups: fc
    .constantFrom(0, 1, 2, 3)
    .map((i): DirectoryGroupRef[] | undefined =>
      i === 0
        ? undefined
        : i === 1
          ? []
          : i === 2
            ? [{ id: 'dirgroup_1', displayName: 'One' }]
            : [{ id: 'dirgroup_gone' }],
    ),
  roles: fc
    .constantFrom(0, 1, 2)
    .map((i): string[] | undefined => (i === 0 ? undefined : i === 1 ? [] : ['owner', 'owner'])),
});

const previousArb = fc.option(
  fc.record({
    version: fc.bigInt({ min: 1n, max: 5n }).map((n) => n * V),
    deleted: fc.boolean(),
    active: fc.boolean(),
    eventId: fc.constantFrom(null, 'evt_same', 'evt_other'),
    directoryRoles: fc.boolean().map((given) => (given ? ['base'] : null)),
    sameFingerprint: fc.boolean(),
  }),
  { nil: undefined },
);

const caseArb = fc.record({
  previous: previousArb,
  removal: fc.boolean(),
  user: userArb,
  version: fc.bigInt({ min: 1n, max: 5n }).map((n) => n * V),
  eventId: fc.constantFrom(null, 'evt_same', 'evt_new'),
  decision: fc.constantFrom<DeprovisionAction>('deactivate', 'delete', 'keep'),
  readIsCurrent: fc.boolean(),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function plan(c: Case): { step: UserStep; input: UserPlanInput; asked: boolean } {
  const user = { id: 'diruser_1', organizationId: ORG, ...c.user };
  const change: UserChange = c.removal
    ? { type: 'user-removed', userId: 'diruser_1', version: c.version, eventId: c.eventId }
    : { type: 'user', user, version: c.version, eventId: c.eventId };
  const previous = new Map<string, EntityState>();
  if (c.previous !== undefined) {
    const p = c.previous;
    const effective =
      user.groups === undefined ? user : { ...user, groups: user.groups.filter((g) => g.id !== 'dirgroup_gone') };
    const active = user.active ?? (!p.deleted ? p.active : true);
    previous.set('diruser_1', {
      organizationId: ORG,
      kind: 'user',
      id: 'diruser_1',
      version: p.version,
      deleted: p.deleted,
      active: p.deleted ? false : p.active,
      fingerprint: p.sameFingerprint && !c.removal ? userFingerprint(effective, active) : 'other',
      directoryRoles: p.directoryRoles,
      eventId: p.eventId,
      updatedAt: new Date(0),
    });
  }
  const input: UserPlanInput = {
    changes: [change],
    previous,
    groups: {
      deleted: new Set(['dirgroup_gone']),
      live: new Set(['dirgroup_1']),
      names: new Map(),
      versions: new Map(),
    },
    storedGroups: new Map(),
    roles: null,
    readIsCurrent: c.readIsCurrent,
  };
  const classified = classifyUsers(input);
  const asked = classified[0]!.deprovision !== null;
  const decisions = new Map(asked ? [[0, c.decision]] : []);
  return { step: planUsers(input, classified, decisions)[0]!, input, asked };
}

describe('the user planner', () => {
  it('writes nothing for a change that is not newer, and the version record of the change otherwise', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { step } = plan(c);
        const prev = c.previous;
        const newer =
          prev === undefined ||
          prev.version < c.version ||
          (prev.version === c.version && c.eventId !== null && prev.eventId === c.eventId);
        expect(step.action === 'stale').toBe(!newer);
        if (!newer) {
          expect(step).toMatchObject({ advance: null, write: undefined, remove: false, deactivate: false, hook: null });
          return;
        }
        expect(step.advance).toMatchObject({ id: 'diruser_1', version: c.version, eventId: c.eventId });
        expect(step.advance!.deleted).toBe(c.removal || step.action === 'delete');
      }),
    );
  });

  it('asks the policy exactly when a live user is removed, or a changed user ends inactive', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { step, asked } = plan(c);
        if (step.action === 'stale') {
          expect(asked).toBe(false);
          return;
        }
        const prev = c.previous;
        const live = prev !== undefined && !prev.deleted;
        // A removal always asks: a user the read did not see may have been written since.
        if (c.removal) {
          expect(asked).toBe(true);
          return;
        }
        const active = c.user.active ?? (live ? prev!.active : true);
        expect(asked).toBe(!active);
      }),
    );
  });

  it('fires the hook the access change calls for, never one for an unchanged user or a kept one', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { step } = plan(c);
        if (step.action === 'stale' || step.action === 'unchanged' || step.action === 'keep') {
          expect(step.hook).toBeNull();
          return;
        }
        const prev = c.previous;
        const live = prev !== undefined && !prev.deleted;
        const wasActive = live && prev!.active;
        const expected =
          step.action === 'create'
            ? step.write!.active
              ? { kind: 'provisioned', change: 'created' }
              : null
            : step.action === 'reactivate'
              ? { kind: 'provisioned', change: 'reactivated' }
              : step.action === 'update'
                ? { kind: 'updated' }
                : step.action === 'deactivate'
                  ? { kind: 'deprovisioned', action: 'deactivate', reason: c.removal ? 'deleted' : 'deactivated' }
                  : live
                    ? { kind: 'deprovisioned', action: 'delete', reason: c.removal ? 'deleted' : 'deactivated' }
                    : null;
        expect(step.hook).toEqual(expected);
        if (step.action === 'deactivate') expect(wasActive).toBe(true);
        if (step.action === 'reactivate') expect(wasActive).toBe(false);
      }),
    );
  });

  it("a removal reaches the app's user the read saw with access, or any user when the read may be old", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(c.removal);
        const { step } = plan(c);
        if (step.advance === null) return;
        const live = c.previous !== undefined && !c.previous.deleted;
        const wasActive = live && c.previous!.active;
        if (c.decision === 'deactivate') expect(step.deactivate).toBe(wasActive || !c.readIsCurrent);
        if (c.decision === 'delete') expect(step.remove).toBe(live || !c.readIsCurrent);
        if (c.decision === 'keep') expect(step.deactivate || step.remove).toBe(false);
      }),
    );
  });

  it('keeps deleted groups out of memberships, and every written user carries the state it is written with', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { step } = plan(c);
        for (const g of step.groups ?? []) expect(g.id).not.toBe('dirgroup_gone');
        if (step.remove || c.removal) expect(step.groups).toEqual(step.advance === null ? undefined : []);
        if (step.write !== undefined) {
          expect(step.write.active).toBe(step.advance!.active);
          expect(step.write.version).toBe(c.version);
          // Roles are written only when the change says something about them (roles or groups).
          expect(step.write.roles === undefined).toBe(c.user.roles === undefined && c.user.groups === undefined);
        }
      }),
    );
  });
});
