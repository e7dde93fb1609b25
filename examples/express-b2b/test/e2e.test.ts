import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AppProcess,
  followAndReconcile,
  freshPostgresDatabase,
  startApp,
  unauthenticatedAnswers,
} from '@scim/demo/harness';
import { type Simulator, startSimulator } from '@scim/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answersTo,
  type B2bApi,
  b2bApi,
  compareOrganization,
  replayAuditLog,
  subscribeOnce,
  tablesAsAuditWould,
} from './support.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const postgres = await freshPostgresDatabase('scim_example_express_b2b');
if (postgres === undefined) console.warn('express-b2b: PostgreSQL runs skipped, no server at TEST_POSTGRES_URL');

describe.each([
  ...(postgres === undefined ? [] : [{ name: 'PostgreSQL', databaseUrl: postgres as string | undefined }]),
  { name: 'SQLite (what pnpm dev runs)', databaseUrl: undefined },
])('the express-b2b example as a process on $name', ({ databaseUrl }) => {
  let sim: Simulator;
  let app: AppProcess;
  let api: B2bApi;
  let webhookUrl: string;
  let dataDir: string;
  const adminToken = randomBytes(16).toString('hex');

  /** Plays `change` on the simulator, then waits until every delivery it caused is answered. */
  const delivered = async <T>(change: () => T): Promise<T> => {
    subscribeOnce(sim, webhookUrl);
    const result = change();
    await sim.webhooks.idle({ timeoutMs: 240_000 });
    return result;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'scim-example-b2b-'));
    sim = await startSimulator({ seed: 23, timeScale: 0.001 });
    app = await startApp({
      cwd: exampleDir,
      env: {
        ...sim.env(),
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        ADMIN_TOKEN: adminToken,
        SCIM_SYNC_INTERVAL_MS: '0',
        LOG_LEVEL: 'warn',
      },
      // The first start compiles the generated Prisma clients through tsx: slow on a busy machine.
      startTimeoutMs: 240_000,
    });
    api = b2bApi(app.url, adminToken);
    webhookUrl = new URL('/webhooks/scalekit', app.url).toString();
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('follows the demo story by webhook and reconcile, every change through the UserService', async () => {
    const result = await followAndReconcile(sim, app.url, adminToken);
    sim.webhooks.resetFaults();
    expect(result.failedDeliveries, JSON.stringify(result.failedDeliveries.slice(0, 3))).toEqual([]);
    expect(result.afterWebhooks.differences).toEqual([]);
    expect(result.reconcileUpdated).toBe(1);
    expect(result.afterReconcile.differences).toEqual([]);

    // The audit log alone rebuilds every person and every membership: nothing was written around the service.
    const everyone = await api.everyone();
    const audit = await api.auditLog();
    const rebuilt = replayAuditLog(audit);
    const tables = tablesAsAuditWould(everyone);
    expect(rebuilt.profiles).toEqual(tables.profiles);
    expect(rebuilt.memberships).toEqual(tables.memberships);

    const org = result.organizationId;
    const members = await api.members(org);
    const entriesOf = (userId: number) => audit.filter((e) => e.userId === userId && e.organizationId === org);
    for (const member of members) {
      const entries = entriesOf(member.id);
      // Created by a webhook event, named in its audit row.
      expect(entries[0]).toMatchObject({ action: 'user.created', actor: 'scim:webhook', changes: { managedBy: org } });
      expect(entries[0]!.eventId).toMatch(/^evt_/);
      expect(entries[1]).toMatchObject({ action: 'member.added', actor: 'scim:webhook' });
      if (!member.active) {
        expect(entries.filter((e) => e.action === 'member.deactivated')).toMatchObject([{ actor: 'scim:webhook' }]);
      }
      if (member.department === 'Platform Engineering') {
        expect(entries).toContainEqual(
          expect.objectContaining({
            action: 'member.updated',
            changes: expect.objectContaining({ department: 'Platform Engineering' }),
          }),
        );
      }
    }
    expect(members.filter((m) => !m.active)).toHaveLength(6);
    // The one change the webhooks missed was written by the reconcile, through the same service.
    const reconciled = audit.filter((e) => e.organizationId === org && e.actor === 'scim:sync');
    expect(reconciled).toMatchObject([
      { action: 'member.updated', changes: { department: 'Reconciled' }, eventId: null },
    ]);
  });

  it('makes one person of two organizations one user with two memberships; a deprovision ends one', async () => {
    const acme = sim.state.createOrganization({ name: 'Acme' });
    const partner = sim.state.createOrganization({ name: 'Partner' });
    await api.verifyDomain(acme.id, 'acme-two.example');
    // Partner invited Dana through the app before it turned on directory sync.
    const { userId } = await api.invite(partner.id, { email: 'dana@acme-two.example', name: 'Dana' });

    const acmeDirectory = await delivered(() => sim.state.createDirectory(acme.id));
    const partnerDirectory = await delivered(() => sim.state.createDirectory(partner.id));
    const danaAtAcme = await delivered(() =>
      sim.state.createUser(acmeDirectory.id, {
        email: 'dana@acme-two.example',
        givenName: 'Dana',
        familyName: 'Okafor',
        department: 'Research',
      }),
    );
    await delivered(() =>
      sim.state.createGroup(acmeDirectory.id, { displayName: 'Admins', memberIds: [danaAtAcme.id] }),
    );
    const danaAtPartner = await delivered(() =>
      sim.state.createUser(partnerDirectory.id, {
        email: 'Dana@Acme-Two.example',
        displayName: 'Dana (contractor)',
        department: 'Partnerships',
      }),
    );

    const dana = (await api.everyone()).filter((u) => u.email === 'dana@acme-two.example');
    expect(dana).toHaveLength(1);
    expect(dana[0]).toMatchObject({ id: userId, name: 'Dana Okafor', managedBy: acme.id });
    expect(dana[0]!.memberships).toEqual(
      [
        {
          organizationId: acme.id,
          directoryUserId: danaAtAcme.id,
          role: 'admin',
          active: true,
          department: 'Research',
          jobTitle: null,
          groups: [sim.state.groups(acmeDirectory.id)[0]!.id],
        },
        {
          organizationId: partner.id,
          directoryUserId: danaAtPartner.id,
          role: 'member',
          active: true,
          department: 'Partnerships',
          jobTitle: null,
          groups: [],
        },
      ].sort((a, b) => a.organizationId.localeCompare(b.organizationId)),
    );

    // Partner's directory lets Dana go: Partner's membership ends, Acme's stays.
    await delivered(() => sim.state.deleteUser(danaAtPartner.id));
    const [atAcme] = await api.members(acme.id);
    const [atPartner] = await api.members(partner.id);
    expect(atAcme).toMatchObject({ id: userId, active: true, roles: ['admin'], directoryUserId: danaAtAcme.id });
    expect(atPartner).toMatchObject({
      id: userId,
      active: false,
      roles: ['member'],
      directoryUserId: danaAtPartner.id,
    });

    const story = (await api.auditLog({ userId })).map((e) => [e.actor, e.organizationId, e.action, e.note]);
    expect(story).toEqual([
      ['app', null, 'user.created', null],
      ['app', partner.id, 'member.added', null],
      ['scim:webhook', acme.id, 'user.linked', 'the email domain is verified for the organization'],
      ['scim:webhook', acme.id, 'user.updated', null],
      ['scim:webhook', acme.id, 'user.updated', null],
      ['scim:webhook', acme.id, 'member.added', null],
      ['scim:webhook', acme.id, 'member.updated', null],
      ['scim:webhook', partner.id, 'user.linked', 'already a member of the organization'],
      ['scim:webhook', partner.id, 'member.updated', null],
      ['scim:webhook', partner.id, 'member.deactivated', null],
    ]);
  });

  it("never lets another organization's directory take over a user (the attack)", async () => {
    const acme = sim.state.createOrganization({ name: 'Acme' });
    const evil = sim.state.createOrganization({ name: 'Evil' });
    await api.verifyDomain(acme.id, 'acme-attack.example');
    const acmeDirectory = await delivered(() => sim.state.createDirectory(acme.id));
    const evilDirectory = await delivered(() => sim.state.createDirectory(evil.id));
    const admins = await delivered(() => sim.state.createGroup(acmeDirectory.id, { displayName: 'Admins' }));
    await delivered(() =>
      sim.state.createUser(acmeDirectory.id, {
        email: 'admin@acme-attack.example',
        displayName: 'Ada Admin',
        groupIds: [admins.id],
      }),
    );
    const mallory = await delivered(() =>
      sim.state.createUser(evilDirectory.id, { email: 'mallory@evil.example', displayName: 'Mallory' }),
    );
    const before = await api.everyone();
    const adminBefore = before.find((u) => u.email === 'admin@acme-attack.example')!;
    expect(adminBefore.memberships).toMatchObject([{ organizationId: acme.id, role: 'admin', active: true }]);
    const adminAuditBefore = await api.auditLog({ userId: adminBefore.id });

    // Evil's directory sends Acme's admin's email (in another case), a new address in Acme's verified domain,
    // and then changes its own user's email to the admin's.
    await delivered(() =>
      sim.state.createUser(evilDirectory.id, { email: 'ADMIN@acme-attack.example', displayName: 'Not Ada' }),
    );
    await delivered(() =>
      sim.state.createUser(evilDirectory.id, { email: 'newhire@acme-attack.example', displayName: 'Squatter' }),
    );
    await delivered(() => sim.state.updateUser(mallory.id, { email: 'admin@acme-attack.example' }));

    const after = await api.everyone();
    expect(after.find((u) => u.id === adminBefore.id)).toEqual(adminBefore);
    expect(await api.auditLog({ userId: adminBefore.id })).toEqual(adminAuditBefore);
    expect(after.filter((u) => u.email.endsWith('@acme-attack.example')).map((u) => u.email)).toEqual([
      'admin@acme-attack.example',
    ]);
    // Evil keeps its own user, with its own email; nobody of Acme is a member of Evil.
    expect(await api.members(evil.id)).toMatchObject([
      { directoryUserId: mallory.id, email: 'mallory@evil.example', active: true },
    ]);

    // Each refusal is recorded with its reason and answered 200, so Scalekit stops retrying.
    const rejected = await api.events({ organizationId: evil.id, status: 'rejected' });
    const why = (reason: string | null) => /\b(EMAIL_TAKEN|DOMAIN_CLAIMED)\b/.exec(reason ?? '')?.[1];
    expect(rejected.map((e) => why(e.reason)).sort()).toEqual(['DOMAIN_CLAIMED', 'EMAIL_TAKEN', 'EMAIL_TAKEN']);
    for (const event of rejected) {
      expect(answersTo(sim, event.id)).toContainEqual({ status: 200, body: 'rejected' });
    }
    expect(rejected.find((e) => why(e.reason) === 'EMAIL_TAKEN' && e.type.endsWith('user_created'))).toBeDefined();
    // No reason carries the email it refused (reasons are logged and listed).
    expect(rejected.filter((e) => e.reason?.includes('@'))).toEqual([]);

    // Evil's directory then deactivates its user, still carrying the admin's email: the deprovision goes
    // through (it is never refused), without the email.
    await delivered(() => sim.state.deactivateUser(mallory.id));
    expect(await api.members(evil.id)).toMatchObject([{ email: 'mallory@evil.example', active: false }]);
    expect((await api.everyone()).find((u) => u.id === adminBefore.id)).toEqual(adminBefore);
  });

  it('rejects a user without an email, and applies it when replayed after the organization fixes its settings', async () => {
    const org = sim.state.createOrganization({ name: 'Printers Inc' });
    await delivered(() => sim.state.createDirectory(org.id));
    // The simulator's directories always have emails; an identity provider's need not (Entra ID users without
    // a mailbox): this event is what Scalekit would send for one.
    const event = await delivered(() =>
      sim.state.emitCustomEvent({
        type: 'organization.directory.user_created',
        organizationId: org.id,
        object: 'DirectoryUser',
        data: {
          id: 'diruser_noemail000001',
          organization_id: org.id,
          email: null,
          preferred_username: 'svc.printer@printers.example',
          name: 'Printer Service',
          active: true,
          groups: [],
        },
      }),
    );
    expect(answersTo(sim, event.id)).toEqual([{ status: 200, body: 'rejected' }]);
    expect(await api.members(org.id)).toEqual([]);
    const [rejected, ...others] = await api.events({ organizationId: org.id, status: 'rejected' });
    expect(others).toEqual([]);
    expect(rejected).toMatchObject({ id: event.id, type: 'organization.directory.user_created' });
    expect(rejected!.reason).toContain('EMAIL_REQUIRED');

    // Replayed before the fix: rejected again, nothing written.
    expect(await api.replay(event.id)).toMatchObject({ outcome: 'rejected' });
    expect(await api.members(org.id)).toEqual([]);

    await api.settings(org.id, { emailFromUsername: true });
    expect(await api.replay(event.id)).toMatchObject({ outcome: 'applied' });
    const [printer] = await api.members(org.id);
    expect(printer).toMatchObject({
      email: 'svc.printer@printers.example',
      name: 'Printer Service',
      directoryUserId: 'diruser_noemail000001',
      active: true,
    });
    expect((await api.auditLog({ userId: printer!.id }))[0]).toMatchObject({
      action: 'user.created',
      eventId: event.id,
    });
    expect(await api.events({ organizationId: org.id, status: 'rejected' })).toEqual([]);
  });

  it('repairs what the webhooks missed with a full sync through the real Scalekit client', async () => {
    const org = sim.state.createOrganization({ name: 'Drift Ltd' });
    const directory = await delivered(() => sim.state.createDirectory(org.id));
    // A domain of its own: the same simulator seeds the same people, and a person already provisioned by the
    // first test's organization would (rightly) be refused here.
    await delivered(() =>
      sim.state.seed({
        users: 20,
        groups: 3,
        domain: 'drift.example',
        organizationId: org.id,
        directoryId: directory.id,
        events: true,
      }),
    );
    const truth = () => ({
      users: sim.state.users(directory.id, { includeInactive: true }),
      groups: sim.state.groups(directory.id),
      deletedUserIds: [gone.id],
    });
    const users = sim.state.users(directory.id);
    const [mover, leaver, gone, joiner] = [users[0]!, users[1]!, users[2]!, users[3]!];

    // The app misses these: its endpoint is down (unsubscribed), and Scalekit gives up.
    sim.webhooks.unsubscribe(webhookUrl);
    sim.state.updateUser(mover.id, { department: 'Drifted', title: 'Drifter' });
    sim.state.deactivateUser(leaver.id);
    sim.state.deleteUser(gone.id);
    const hire = sim.state.createUser(directory.id, { email: 'new.hire@drift.example', displayName: 'New Hire' });
    const group = sim.state.groups(directory.id)[0]!;
    sim.state.removeMembers(group.id, [joiner.id]);

    const drifted = await compareOrganization(api, truth(), org.id);
    expect(drifted.equal).toBe(false);

    const report = (await api.sync(org.id, 'full')) as { users: Record<string, number> };
    expect(report.users).toMatchObject({ created: 1, deactivated: 2 });
    expect((await compareOrganization(api, truth(), org.id)).differences).toEqual([]);

    const members = await api.members(org.id);
    const byDirectoryId = new Map(members.map((m) => [m.directoryUserId, m]));
    expect(byDirectoryId.get(mover.id)).toMatchObject({ department: 'Drifted', jobTitle: 'Drifter', active: true });
    expect(byDirectoryId.get(hire.id)).toMatchObject({ email: 'new.hire@drift.example', active: true });
    const synced = (await api.auditLog({ organizationId: org.id })).filter((e) => e.actor === 'scim:sync');
    expect(synced.map((e) => [e.userId, e.action]).sort()).toEqual(
      [
        [byDirectoryId.get(mover.id)!.id, 'member.updated'],
        [byDirectoryId.get(hire.id)!.id, 'user.created'],
        [byDirectoryId.get(hire.id)!.id, 'member.added'],
        [byDirectoryId.get(leaver.id)!.id, 'member.deactivated'],
        [byDirectoryId.get(gone.id)!.id, 'member.deactivated'],
      ].sort(),
    );
  });

  it('answers a bad signature with 400 and the admin routes without a token with 401', async () => {
    expect(await unauthenticatedAnswers(app.url)).toEqual({ webhook: 400, admin: 401 });
    const events = await fetch(new URL('/admin/scim/events', app.url));
    expect(events.status).toBe(401);
  });
});
