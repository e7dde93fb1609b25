import { type AppUserView, appApi, compareWithDirectory, type DirectoryTruth } from '@scim/demo/harness';
import type { Simulator } from '@scim/simulator';

/** The example's read API and admin routes, over HTTP, as a client of the running app. */
export function b2bApi(baseUrl: string, adminToken: string) {
  const call = async <T>(method: string, path: string, body?: unknown, admin = false): Promise<T> => {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(admin ? { authorization: `Bearer ${adminToken}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const harness = appApi(baseUrl, adminToken);
  return {
    ...harness,
    members: (organizationId: string) => harness.users(organizationId) as Promise<MemberView[]>,
    everyone: async () => (await call<{ users: UserView[] }>('GET', '/api/users')).users,
    auditLog: async (query: { organizationId?: string; userId?: number } = {}) => {
      const params = new URLSearchParams();
      if (query.organizationId !== undefined) params.set('organizationId', query.organizationId);
      if (query.userId !== undefined) params.set('userId', String(query.userId));
      return (await call<{ entries: AuditEntry[] }>('GET', `/api/audit-log?${params}`)).entries;
    },
    invite: (organizationId: string, member: { email: string; name?: string; role?: string }) =>
      call<{ userId: number }>('POST', `/api/organizations/${organizationId}/members`, member),
    verifyDomain: (organizationId: string, domain: string) =>
      call('POST', `/admin/organizations/${organizationId}/domains`, { domain }, true),
    settings: (organizationId: string, settings: { emailFromUsername: boolean }) =>
      call('PUT', `/admin/organizations/${organizationId}/settings`, settings, true),
    events: async (query: { organizationId: string; status?: string }) => {
      const params = new URLSearchParams({ organizationId: query.organizationId });
      if (query.status !== undefined) params.set('status', query.status);
      return (await call<{ events: InboxView[] }>('GET', `/admin/scim/events?${params}`, undefined, true)).events;
    },
    replay: (eventId: string) =>
      call<{ outcome: string; reason?: string }>(
        'POST',
        `/admin/scim/events/${encodeURIComponent(eventId)}/replay`,
        undefined,
        true,
      ),
  };
}

export type B2bApi = ReturnType<typeof b2bApi>;

export interface MemberView extends AppUserView {
  id: number;
  email: string;
  managedBy: string | null;
  jobTitle: string | null;
}

export interface MembershipView {
  organizationId: string;
  directoryUserId: string | null;
  role: string;
  active: boolean;
  department: string | null;
  jobTitle: string | null;
  groups: string[];
}

export interface UserView {
  id: number;
  email: string;
  name: string | null;
  managedBy: string | null;
  memberships: MembershipView[];
}

export interface AuditEntry {
  id: number;
  actor: string;
  eventId: string | null;
  organizationId: string | null;
  userId: number;
  action: string;
  changes: Record<string, unknown>;
  note: string | null;
}

export interface InboxView {
  id: string;
  type: string;
  status: string;
  reason: string | null;
  organizationId: string;
}

/**
 * Rebuilds every person's profile and memberships from the audit log alone. If every write went through the
 * UserService (which writes its audit row in the same transaction), this equals what the read API shows.
 */
export function replayAuditLog(entries: readonly AuditEntry[]) {
  const profiles = new Map<number, Record<string, unknown>>();
  const memberships = new Map<string, Record<string, unknown>>();
  for (const entry of entries) {
    if (entry.action === 'user.created' || entry.action === 'user.updated') {
      profiles.set(entry.userId, { ...profiles.get(entry.userId), ...entry.changes });
    } else if (entry.action.startsWith('member.')) {
      const key = `${entry.userId} ${entry.organizationId}`;
      memberships.set(key, { ...memberships.get(key), ...entry.changes });
    }
  }
  return { profiles, memberships };
}

/** What the users and memberships look like through the read API, in the shape replayAuditLog gives. */
export function tablesAsAuditWould(users: readonly UserView[]) {
  const profiles = new Map<number, Record<string, unknown>>();
  const memberships = new Map<string, Record<string, unknown>>();
  for (const user of users) {
    profiles.set(user.id, { email: user.email, name: user.name, managedBy: user.managedBy });
    for (const m of user.memberships) {
      memberships.set(`${user.id} ${m.organizationId}`, {
        role: m.role,
        department: m.department,
        jobTitle: m.jobTitle,
        active: m.active,
      });
    }
  }
  return { profiles, memberships };
}

/** Compares the app's members of one organization with the simulator's directory. */
export async function compareOrganization(api: B2bApi, truth: DirectoryTruth, organizationId: string) {
  return compareWithDirectory(truth, {
    users: await api.members(organizationId),
    groups: await api.groups(organizationId),
  });
}

/** Subscribes the app to the simulator's webhooks once (subscribing twice would deliver everything twice). */
export function subscribeOnce(sim: Simulator, webhookUrl: string) {
  if (!sim.webhooks.subscriptions().some((s) => s.url === webhookUrl)) sim.webhooks.subscribe(webhookUrl);
}

/** The app's answer to each delivery of an event: status and body status. */
export function answersTo(sim: Simulator, eventId: string) {
  return sim.webhooks
    .log()
    .filter((attempt) => attempt.eventId === eventId)
    .map((attempt) => ({
      status: attempt.status,
      body: attempt.responseBody === null ? null : (JSON.parse(attempt.responseBody) as { status?: string }).status,
    }));
}
