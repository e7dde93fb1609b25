/**
 * The events every change produces: Scalekit's shapes, accepted by `parseDirectoryEvent`, with versions that
 * match the Directory API's `updatedAt`; and the seeded generator.
 */
import { type DirectoryEvent, parseDirectoryEvent, parseDirectoryEventJson } from '@scim/core';
import { rfc3339ToNanos } from '@scim/core/adapter';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimulatorEvent } from '../src/index.js';
import { simulator } from './helpers.js';

const opened: Simulator[] = [];
async function start(seed = 42): Promise<Simulator> {
  const sim = await simulator({ seed });
  opened.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

function record(sim: Simulator): SimulatorEvent[] {
  const events: SimulatorEvent[] = [];
  sim.state.onEvent((e) => events.push(e));
  return events;
}

describe('events', () => {
  it('sends every change as an event parseDirectoryEvent accepts, with strictly increasing occurred_at', async () => {
    const sim = await start();
    const events = record(sim);
    const org = sim.state.createOrganization({ name: 'Acme' });
    const dir = sim.state.createDirectory(org.id, { provider: 'MICROSOFT_AD' });
    const eng = sim.state.createGroup(dir.id, { displayName: 'Engineering', externalId: 'ext-eng' });
    const ada = sim.state.createUser(dir.id, {
      email: 'ada@acme.example',
      givenName: 'Ada',
      familyName: 'Lovelace',
      title: 'Engineer',
      roles: ['admin'],
      customAttributes: { level: 3 },
      groupIds: [eng.id],
    });
    const bob = sim.state.createUser(dir.id, { email: 'bob@acme.example', givenName: 'Bob' });
    sim.state.updateUser(ada.id, { title: 'Staff Engineer', email: 'ada.l@acme.example' });
    sim.state.addMembers(eng.id, [bob.id]);
    sim.state.removeMembers(eng.id, [ada.id]);
    sim.state.updateGroup(eng.id, { displayName: 'Platform' });
    sim.state.deactivateUser(bob.id);
    sim.state.reactivateUser(bob.id);
    sim.state.deactivateUser(bob.id, { event: 'user_deleted' });
    sim.state.deleteUser(ada.id);
    sim.state.deleteGroup(eng.id);
    sim.state.disableDirectory(dir.id);
    sim.state.enableDirectory(dir.id);
    sim.state.emitCustomEvent({ type: 'organization.directory.future_thing', organizationId: org.id, data: { x: 1 } });

    expect(events.map((e) => e.type.replace('organization.', ''))).toEqual([
      'directory_enabled',
      'directory.group_created',
      'directory.user_created',
      'directory.user_created',
      'directory.user_updated',
      'directory.user_updated',
      'directory.user_updated',
      'directory.group_updated',
      'directory.user_updated',
      'directory.user_updated',
      'directory.user_deleted',
      'directory.user_deleted',
      'directory.group_deleted',
      'directory.user_updated', // the fan-out to bob, the one member left
      'directory_disabled',
      'directory_enabled',
      'directory.future_thing',
    ]);

    let previous = 0n;
    const parsed: DirectoryEvent[] = [];
    for (const event of events) {
      expect(event.payload).toMatchObject({
        spec_version: '1',
        id: event.id,
        type: event.type,
        occurred_at: event.occurredAt,
        environment_id: sim.environmentId,
        organization_id: org.id,
      });
      expect(event.id).toMatch(/^evt_\d+$/);
      expect(event.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(rfc3339ToNanos(event.occurredAt)).toBe(event.version);
      expect(event.version).toBeGreaterThan(previous);
      previous = event.version;
      const e = parseDirectoryEventJson(event.body);
      expect(e.id).toBe(event.id);
      expect(e.version).toBe(event.version);
      parsed.push(e);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    const created = parsed[2]!;
    if (created.type !== 'organization.directory.user_created') throw new Error('expected user_created');
    expect(created.data).toMatchObject({
      id: ada.id,
      email: 'ada@acme.example',
      givenName: 'Ada',
      familyName: 'Lovelace',
      displayName: 'Ada Lovelace',
      active: true,
      title: 'Engineer',
      roles: ['admin'],
      customAttributes: { level: 3 },
      groups: [{ id: eng.id, displayName: 'Engineering' }],
    });
    expect(created.raw).toMatchObject({ object: 'DirectoryUser', data: { organization_id: org.id } });
    expect(created.raw.data).not.toHaveProperty('directory_id');

    const deactivated = parsed[8]!;
    expect(deactivated.type).toBe('organization.directory.user_updated');
    expect(deactivated.data).toMatchObject({ id: bob.id, active: false });
    const deletedForm = parsed[10]!;
    expect(deletedForm.type).toBe('organization.directory.user_deleted');
    expect(Object.keys(deletedForm.raw.data as object).sort()).toEqual(['dp_id', 'email', 'id', 'organization_id']);
    const groupDeleted = parsed[12]!;
    expect(groupDeleted.raw).toMatchObject({
      object: 'DirectoryGroup',
      data: { id: eng.id, directory_id: dir.id, display_name: 'Platform', external_id: 'ext-eng', dp_id: 'ext-eng' },
    });
    expect(parsed[14]).toMatchObject({ type: 'organization.directory_disabled', data: { id: dir.id, enabled: false } });
    expect(parsed[14]!.raw.data).toMatchObject({ provider: 'MICROSOFT_AD', directory_type: 'SCIM' });
    expect(parsed[16]).toMatchObject({ type: 'unknown', rawType: 'organization.directory.future_thing' });
  });

  it("gives a user the occurred_at of its last event as its version (the API's updatedAt)", async () => {
    const sim = await start();
    const events = record(sim);
    const { directory, userIds, groupIds } = sim.state.seed({ users: 30, groups: 5, events: true });
    sim.state.updateUser(userIds[3]!, { department: 'Research' });
    sim.state.deleteGroup(groupIds[0]!);
    const last = new Map<string, bigint>();
    for (const event of events) {
      const e = parseDirectoryEvent(event.payload);
      if (e.type === 'organization.directory.user_created' || e.type === 'organization.directory.user_updated') {
        last.set(e.data.id, e.version);
      }
    }
    for (const user of sim.state.users(directory.id)) expect(user.version).toBe(last.get(user.id));
  });

  it('fans a group deletion out to a user_updated for every member, without the group', async () => {
    const sim = await start();
    const { directory, userIds } = sim.state.seed({ users: 10, groups: 1 });
    const group = sim.state.createGroup(directory.id, { displayName: 'Doomed', memberIds: userIds.slice(0, 3) });
    sim.state.deactivateUser(userIds[1]!);
    const events = record(sim);
    sim.state.deleteGroup(group.id);
    expect(events.map((e) => e.type)).toEqual([
      'organization.directory.group_deleted',
      'organization.directory.user_updated',
      'organization.directory.user_updated',
      'organization.directory.user_updated',
    ]);
    expect(events.slice(1).map((e) => (e.payload.data as { id: string }).id)).toEqual(userIds.slice(0, 3));
    for (const event of events.slice(1)) {
      const data = event.payload.data as { groups: { id: string }[] };
      expect(data.groups.map((g) => g.id)).not.toContain(group.id);
    }
    expect(sim.state.group(group.id)).toBeUndefined();
    expect(() => sim.state.members(group.id)).toThrow(/not found/);
  });

  it('checks ids and inputs as Scalekit does', async () => {
    const sim = await start();
    expect(() => sim.state.createOrganization({ id: 'acme' })).toThrow(/org_/);
    expect(() => sim.state.createOrganization({ id: `org_${'1'.repeat(29)}` })).toThrow(/32/);
    const org = sim.state.createOrganization({ id: 'org_acme' });
    expect(() => sim.state.createOrganization({ id: 'org_acme' })).toThrow(/already exists/);
    expect(() => sim.state.createDirectory(org.id, { id: 'directory_1' })).toThrow(/dir_/);
    const dir = sim.state.createDirectory(org.id, { id: 'dir_acme' });
    expect(() => sim.state.createUser(dir.id, { id: 'usr_1', email: 'a@b.c' })).toThrow(/diruser_/);
    expect(() => sim.state.createUser(dir.id, { email: '' })).toThrow(/email/);
    expect(() => sim.state.createGroup(dir.id, { id: 'grp_1', displayName: 'x' })).toThrow(/dirgroup_/);
    expect(() => sim.state.updateUser('diruser_404', { title: 'x' })).toThrow(/not found/);
    const user = sim.state.createUser(dir.id, { id: 'diruser_zzz', email: 'z@acme.example' });
    expect(sim.state.createUser(dir.id, { id: 'diruser_aaa', email: 'a@acme.example' }).id).toBe('diruser_aaa');
    // Hand-picked ids keep the listing in id order.
    expect(sim.state.users(dir.id).map((u) => u.id)).toEqual(['diruser_aaa', user.id]);
  });
});

describe('seeded directories', () => {
  const strip = (sim: Simulator, directoryId: string) => ({
    organizations: sim.state.organizations(),
    users: sim.state.users(directoryId).map(({ updatedAt, version, ...rest }) => rest),
    groups: sim.state.groups(directoryId).map(({ updatedAt, version, ...rest }) => rest),
  });

  it('builds the same directory from the same seed, and another from another seed', async () => {
    const [a, b, c] = await Promise.all([start(7), start(7), start(8)]);
    const ra = a.state.seed({ users: 1000, groups: 20 });
    const rb = b.state.seed({ users: 1000, groups: 20 });
    const rc = c.state.seed({ users: 1000, groups: 20 });
    expect(strip(b, rb.directory.id)).toEqual(strip(a, ra.directory.id));
    expect(rc.userIds).not.toEqual(ra.userIds);
    expect(c.state.users(rc.directory.id).map((u) => u.email)).not.toEqual(
      a.state.users(ra.directory.id).map((u) => u.email),
    );
  });

  it('looks like a company: unique emails, departments, titles, a long tail of group sizes', async () => {
    const sim = await start(3);
    const { directory, userIds, groupIds } = sim.state.seed({ users: 2000, groups: 40, provider: 'OKTA' });
    expect(userIds).toHaveLength(2000);
    expect(groupIds).toHaveLength(40);
    const users = sim.state.users(directory.id);
    expect(new Set(users.map((u) => u.email)).size).toBe(2000);
    expect(new Set(users.map((u) => u.department)).size).toBeGreaterThanOrEqual(10);
    expect(users.every((u) => u.title && u.employeeId && u.externalId?.startsWith('00u'))).toBe(true);
    const sizes = sim.state.groups(directory.id).map((g) => g.totalUsers);
    expect(Math.max(...sizes)).toBeGreaterThan(1500); // All Employees
    expect(Math.min(...sizes)).toBeLessThan(100);
    const memberships = users.map((u) => u.groupIds.length);
    expect(Math.min(...memberships)).toBeGreaterThanOrEqual(1);
    expect(memberships.reduce((a, b) => a + b, 0) / users.length).toBeGreaterThan(2);
  });

  // Seeding speed is measured by the sync benchmark (bench/sync.ts seeds 100,000 users), not here.
  it('seeds silently unless asked', async () => {
    const sim = await start(5);
    const events = record(sim);
    const { directory } = sim.state.seed({ users: 10_000 });
    expect(directory.totalUsers).toBe(10_000);
    expect(events).toEqual([]);
    const loud = sim.state.seed({ users: 20, groups: 3, events: true });
    expect(events.map((e) => e.type)).toEqual([
      'organization.directory_enabled',
      ...Array(3).fill('organization.directory.group_created'),
      ...Array(20).fill('organization.directory.user_created'),
    ]);
    expect(loud.organization.id).not.toBe(directory.organizationId);
  });
});
