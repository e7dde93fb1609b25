/**
 * The small HTTP API every example app has: its own user listing (with what the SCIM integration added
 * to each user), the directory groups, and an admin route that runs a reconcile. The demo and the
 * examples' end-to-end tests read an app only through it.
 */
export interface AppUserView {
  /** The app's own primary key. */
  id: string | number;
  organizationId: string | null;
  /** The directory user id (`diruser_...`), null for a user the app created itself. */
  directoryUserId: string | null;
  email: string | null;
  name: string | null;
  department: string | null;
  active: boolean;
  roles: string[];
  /** Directory group ids the user is a member of. */
  groups: string[];
}

export interface AppGroupView {
  id: string;
  name: string | null;
  members: number;
}

export interface AppApi {
  users(organizationId: string): Promise<AppUserView[]>;
  groups(organizationId: string): Promise<AppGroupView[]>;
  /** POST /admin/sync: runs `engine.sync` and answers its report. */
  sync(organizationId: string, mode: 'full' | 'incremental'): Promise<Record<string, unknown>>;
  health(): Promise<boolean>;
}

export function appApi(baseUrl: string, adminToken: string): AppApi {
  const getJson = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(new URL(path, baseUrl), init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    async users(organizationId) {
      const body = await getJson<{ users: AppUserView[] }>(
        `/api/users?organizationId=${encodeURIComponent(organizationId)}`,
      );
      return body.users;
    },
    async groups(organizationId) {
      const body = await getJson<{ groups: AppGroupView[] }>(
        `/api/groups?organizationId=${encodeURIComponent(organizationId)}`,
      );
      return body.groups;
    },
    sync: (organizationId, mode) =>
      getJson('/admin/sync', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ organizationId, mode }),
      }),
    async health() {
      try {
        const response = await fetch(new URL('/health', baseUrl));
        return response.ok;
      } catch {
        return false;
      }
    },
  };
}
