import { beforeEach, describe, expect, it } from 'vitest';
import { memoryAdapter } from '../adapter/memory-adapter.js';
import type { ProvisionedUser, UserService } from '../apply/user-service.js';
import { createScimEngine } from '../create-engine.js';
import type { ScimError } from '../errors.js';
import { parseDirectoryEvent } from '../events/parse.js';
import { nanosToRfc3339 } from '../events/timestamp.js';
import { silentLogger } from '../logger.js';
import type { ApiDirectoryUser, DirectoryApiClient, SyncOptions } from './types.js';

const ORG = 'org_window';
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

interface Person {
  id: string;
  email: string;
  department: string;
  updatedAtMs: number;
}

/**
 * A directory whose Directory API honours `updatedAfter` (strictly after, as Scalekit does) and
 * remembers what each listing asked for; `failAt` makes the users listing fail once at that page.
 */
class FakeDirectory {
  people = new Map<string, Person>();
  asked: { kind: 'users' | 'groups'; updatedAfter: string | undefined; pageToken: string | undefined }[] = [];
  failAt: string | undefined;

  set(id: string, department: string, updatedAtMs: number): void {
    this.people.set(id, { id, email: `${id}@example.com`, department, updatedAtMs });
  }

  client(): DirectoryApiClient {
    const after = (updatedAfter: string | undefined) =>
      updatedAfter === undefined ? Number.NEGATIVE_INFINITY : Date.parse(updatedAfter);
    return {
      directory: {
        listDirectories: async () => ({ directories: [{ id: 'dir_1', organizationId: ORG, enabled: true }] }),
        listDirectoryUsers: async (_org, _dir, options = {}) => {
          this.asked.push({ kind: 'users', updatedAfter: options.updatedAfter, pageToken: options.pageToken });
          if (this.failAt !== undefined && options.pageToken === this.failAt) {
            this.failAt = undefined;
            throw new Error('connection reset by the test');
          }
          const since = after(options.updatedAfter);
          const listed = [...this.people.values()]
            .filter((p) => p.updatedAtMs > since)
            .sort((a, b) => (a.id < b.id ? -1 : 1));
          const start = options.pageToken ? Number(options.pageToken) : 0;
          const size = options.pageSize ?? 100;
          return {
            users: listed.slice(start, start + size).map(toApi),
            totalSize: listed.length,
            nextPageToken: start + size < listed.length ? String(start + size) : '',
          };
        },
        listDirectoryGroups: async (_org, _dir, options = {}) => {
          this.asked.push({ kind: 'groups', updatedAfter: options.updatedAfter, pageToken: options.pageToken });
          return { groups: [], totalSize: 0, nextPageToken: '' };
        },
      },
    };
  }
}

function toApi(p: Person): ApiDirectoryUser {
  const updatedAt = ns(p.updatedAtMs);
  return {
    id: p.id,
    email: p.email,
    preferredUsername: '',
    givenName: '',
    familyName: '',
    updatedAt: { seconds: updatedAt / 1_000_000_000n, nanos: Number(updatedAt % 1_000_000_000n) },
    emails: [p.email],
    groups: [],
    userDetail: { id: p.id, organization_id: ORG, email: p.email, department: p.department, active: true },
  };
}

let directory: FakeDirectory;
let clock: { now: number };
/** The app's users, by the directory id: what its user functions were last given. */
let app: Map<string, ProvisionedUser>;
let engine: ReturnType<typeof createScimEngine>;

beforeEach(async () => {
  directory = new FakeDirectory();
  for (const id of ['diruser_1', 'diruser_2', 'diruser_3']) directory.set(id, 'R&D', T0 - 10 * MINUTE);
  clock = { now: T0 };
  app = new Map();
  const users: UserService = {
    create: async (user) => {
      app.set(user.id, user);
      return user.id;
    },
    update: async (_id, user) => {
      app.set(user.id, user);
    },
    deactivate: async () => {},
  };
  engine = createScimEngine({
    adapter: memoryAdapter({ userTable: false }),
    users,
    scalekit: directory.client(),
    logger: silentLogger,
    now: () => new Date(clock.now),
    sync: { pageSize: 1, batchSize: 1, maxRetries: 0 },
  });
});

async function watermark(): Promise<Date | null> {
  const [state] = await engine.syncStatus(ORG);
  return state?.watermark ?? null;
}

/** Changes made while the app missed their webhooks: one user updated, one created. */
function missedChanges(): void {
  directory.set('diruser_2', 'Sales', T0 + 5 * MINUTE);
  directory.set('diruser_4', 'Legal', T0 + 6 * MINUTE);
}

const asked = (kind: 'users' | 'groups') => [
  ...new Set(directory.asked.filter((a) => a.kind === kind).map((a) => a.updatedAfter)),
];

describe('a windowed incremental sync (updatedAfter)', () => {
  it('lists what changed after the window, applies it, and advances the watermark as an incremental sync would', async () => {
    await engine.sync({ organizationId: ORG });
    expect(await watermark()).toEqual(new Date(T0));
    missedChanges();
    clock.now = T0 + 10 * MINUTE;
    directory.asked = [];

    const window = new Date(T0 - 60 * MINUTE);
    const report = await engine.sync({ organizationId: ORG, updatedAfter: window });

    expect(asked('users')).toEqual([window.toISOString()]);
    expect(asked('groups')).toEqual([window.toISOString()]);
    expect(report.mode).toBe('incremental');
    expect(report.updatedAfter).toEqual(window);
    expect(report.users).toMatchObject({ listed: 4, created: 1, updated: 1, unchanged: 2, deleted: 0 });
    expect(app.get('diruser_2')?.department).toBe('Sales');
    expect(app.get('diruser_4')?.department).toBe('Legal');
    // The window starts before the watermark: it listed all a plain incremental sync would have.
    expect(await watermark()).toEqual(new Date(T0 + 10 * MINUTE));
  });

  it('leaves the watermark where it was when the window starts after it, so the next incremental sync still covers the gap', async () => {
    await engine.sync({ organizationId: ORG });
    missedChanges();
    directory.set('diruser_3', 'Ops', T0 + 2 * MINUTE);
    clock.now = T0 + 10 * MINUTE;
    directory.asked = [];

    const report = await engine.sync({ organizationId: ORG, updatedAfter: new Date(T0 + 4 * MINUTE) });

    expect(report.users).toMatchObject({ listed: 2, created: 1, updated: 1 });
    expect(app.get('diruser_3')?.department).toBe('R&D');
    expect(await watermark()).toEqual(new Date(T0));

    directory.asked = [];
    const next = await engine.sync({ organizationId: ORG, mode: 'incremental' });
    expect(asked('users')).toEqual([new Date(T0 - MINUTE).toISOString()]);
    expect(next.users).toMatchObject({ updated: 1, unchanged: 2 });
    expect(app.get('diruser_3')?.department).toBe('Ops');
  });

  it('never moves the watermark backwards, even for a window older than the watermark', async () => {
    await engine.sync({ organizationId: ORG });
    clock.now = T0 + 30 * MINUTE;
    await engine.sync({ organizationId: ORG, mode: 'incremental' });
    expect(await watermark()).toEqual(new Date(T0 + 30 * MINUTE));

    // The app's clock went back (another instance, NTP): the refill's own start is before the watermark.
    clock.now = T0 + 20 * MINUTE;
    await engine.sync({ organizationId: ORG, updatedAfter: new Date(T0 - 60 * MINUTE) });
    expect(await watermark()).toEqual(new Date(T0 + 30 * MINUTE));
  });

  it('without a watermark runs as a windowed incremental sync (no deprovisioning) and sets none', async () => {
    missedChanges();
    clock.now = T0 + 10 * MINUTE;
    const report = await engine.sync({ organizationId: ORG, updatedAfter: new Date(T0) });

    expect(report.mode).toBe('incremental');
    expect(report.users).toMatchObject({ listed: 2, created: 2 });
    expect(await watermark()).toBeNull();
    // The next plain incremental sync still runs as full: nothing yet listed the whole directory.
    const next = await engine.sync({ organizationId: ORG, mode: 'incremental' });
    expect(next.mode).toBe('full');
  });

  it('keeps a change newer than the listing (a webhook): the version rules hold', async () => {
    await engine.sync({ organizationId: ORG });
    // The listing lags: it still has diruser_2 as of T0+5min, a webhook already brought T0+7min.
    missedChanges();
    const v = ns(T0 + 7 * MINUTE);
    const result = await engine.applyEvent(
      parseDirectoryEvent({
        spec_version: '1',
        id: 'evt_newer',
        type: 'organization.directory.user_updated',
        occurred_at: nanosToRfc3339(v),
        environment_id: 'env_1',
        organization_id: ORG,
        object: 'DirectoryUser',
        data: {
          id: 'diruser_2',
          organization_id: ORG,
          email: 'diruser_2@example.com',
          department: 'Finance',
          active: true,
          groups: [],
        },
      }),
    );
    expect(result.outcome).toBe('applied');
    clock.now = T0 + 10 * MINUTE;

    const report = await engine.sync({ organizationId: ORG, updatedAfter: new Date(T0 - MINUTE) });

    expect(report.users).toMatchObject({ skipped: 1, created: 1 });
    expect(app.get('diruser_2')?.department).toBe('Finance');
  });

  it('plans a dry run of the window and writes nothing', async () => {
    await engine.sync({ organizationId: ORG });
    missedChanges();
    clock.now = T0 + 10 * MINUTE;

    const report = await engine.sync({ organizationId: ORG, updatedAfter: new Date(T0), dryRun: true });

    expect(report.plan).toEqual([
      { kind: 'user', id: 'diruser_2', action: 'update', email: 'diruser_2@example.com' },
      { kind: 'user', id: 'diruser_4', action: 'create', email: 'diruser_4@example.com' },
    ]);
    expect(app.get('diruser_2')?.department).toBe('R&D');
    expect(app.has('diruser_4')).toBe(false);
    expect(await watermark()).toEqual(new Date(T0));
  });

  it("resumes an interrupted windowed sync only with the same window: another listing's pages are not skipped", async () => {
    await engine.sync({ organizationId: ORG });
    missedChanges();
    directory.set('diruser_0', 'Ops', T0 + 2 * MINUTE);
    directory.set('diruser_1', 'Ops', T0 + 7 * MINUTE);
    clock.now = T0 + 10 * MINUTE;
    // The window lists diruser_1, _2, _4, one a page; the second page fails after the first was committed.
    directory.failAt = '1';
    await expect(engine.sync({ organizationId: ORG, updatedAfter: new Date(T0 + 4 * MINUTE) })).rejects.toMatchObject({
      code: 'DIRECTORY_API_FAILURE',
    });
    expect(app.get('diruser_1')?.department).toBe('Ops');
    expect(app.has('diruser_0')).toBe(false);

    // A plain incremental sync lists another set (diruser_0 first): resumed past page 1, it would miss diruser_0.
    const plain = await engine.sync({ organizationId: ORG, mode: 'incremental' });
    expect(plain.resumed).toBe(false);
    expect(plain.users.listed).toBe(4);
    expect(app.get('diruser_0')?.department).toBe('Ops');
    expect(app.get('diruser_2')?.department).toBe('Sales');
    expect(app.get('diruser_4')?.department).toBe('Legal');
  });

  it('resumes an interrupted windowed sync run again with the same window', async () => {
    await engine.sync({ organizationId: ORG });
    missedChanges();
    clock.now = T0 + 10 * MINUTE;
    const window = new Date(T0);
    directory.failAt = '1';
    await expect(engine.sync({ organizationId: ORG, updatedAfter: window })).rejects.toMatchObject({
      code: 'DIRECTORY_API_FAILURE',
    });

    const again = await engine.sync({ organizationId: ORG, updatedAfter: window });
    expect(again.resumed).toBe(true);
    expect(app.get('diruser_4')?.department).toBe('Legal');
  });

  describe('refuses bad windows before touching the store or the Directory API', () => {
    const cases: [string, (now: number) => Partial<SyncOptions>, string][] = [
      ['with a full sync', () => ({ mode: 'full', updatedAfter: new Date(T0) }), "goes with mode 'incremental'"],
      ['in the future', (now) => ({ updatedAfter: new Date(now + 1) }), 'is in the future'],
      ['an invalid date', () => ({ updatedAfter: new Date('yesterday-ish') }), 'must be a valid Date'],
      ['not a date', () => ({ updatedAfter: '2026-06-01' as unknown as Date }), 'must be a valid Date'],
    ];
    for (const [name, options, message] of cases) {
      it(name, async () => {
        await engine.sync({ organizationId: ORG });
        const before = await engine.syncStatus(ORG);
        missedChanges();
        clock.now = T0 + 10 * MINUTE;
        directory.asked = [];

        const error = (await engine.sync({ organizationId: ORG, ...options(clock.now) }).then(
          () => undefined,
          (e: unknown) => e,
        )) as ScimError | undefined;

        expect(error?.name).toBe('ScimError');
        expect(error?.code).toBe('CONFIGURATION_ERROR');
        expect(error?.message).toContain(message);
        expect(directory.asked).toEqual([]);
        expect(await engine.syncStatus(ORG)).toEqual(before);
        expect(app.get('diruser_2')?.department).toBe('R&D');
      });
    }
  });
});
