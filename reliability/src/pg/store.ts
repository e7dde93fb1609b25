import { drizzleAdapter } from '@scim/adapter-drizzle';
import type { ScimAdapter, UserWrite } from '@scim/core';
import type { AppGroupView, AppUserView } from '@scim/demo/harness';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { StoreView, ViewUser } from '../store-view.js';
import * as schema from './app-schema.js';

export interface PgStore {
  adapter: ScimAdapter;
  db: NodePgDatabase<typeof schema>;
  pool: pg.Pool;
  view: StoreView;
  /** The app's users of one organization, shaped for the demo's `compareWithDirectory`. */
  appUsers(organizationId: string): Promise<AppUserView[]>;
  appGroups(organizationId: string): Promise<AppGroupView[]>;
  /** Inbox records of one organization by status. */
  inbox(organizationId: string): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export const userMapping = {
  model: schema.appUsers,
  organizationId: 'scimOrganizationId',
  userId: 'scimUserId',
  fields: (user: UserWrite) => ({ email: user.email, name: user.displayName, department: user.department }),
  active: 'isActive',
  roles: 'roles',
} as const;

export interface PgStoreOptions {
  /** Pool size. Default 5. */
  max?: number;
  /** Fail a connection attempt after this long, so an outage answers fast. Default 2000 ms. */
  connectionTimeoutMillis?: number;
}

/** The drizzle adapter over its own node-postgres pool, with back-door reads in plain SQL. */
export function openPgStore(url: string, options: PgStoreOptions = {}): PgStore {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 2000,
  });
  // An idle client whose connection drops emits 'error' on the pool; unhandled, it would end the process.
  // (A client the adapter has checked out for a transaction carries the adapter's own listener.)
  pool.on('error', () => {});
  const db = drizzle(pool, { schema });
  const adapter = drizzleAdapter(db, { users: userMapping });

  const rows = async (organizationId: string) => {
    const result = await pool.query<{
      scim_user_id: string;
      id: number;
      email: string | null;
      name: string | null;
      department: string | null;
      is_active: boolean;
      roles: string[] | null;
      groups: string[] | null;
    }>(
      `select u.id, u.scim_user_id, u.email, u.name, u.department, u.is_active, u.roles,
              (select array_agg(m.group_id order by m.group_id) from scim_memberships m
                where m.organization_id = u.scim_organization_id and m.user_id = u.scim_user_id) as groups
         from app_users u where u.scim_organization_id = $1`,
      [organizationId],
    );
    return result.rows;
  };
  const toView = (row: Awaited<ReturnType<typeof rows>>[number]): ViewUser => ({
    email: row.email,
    active: row.is_active,
    department: row.department,
    groups: row.groups ?? [],
  });
  const view: StoreView = {
    name: 'postgresql (drizzle, node-postgres)',
    async user(organizationId, id) {
      const found = (await rows(organizationId)).find((row) => row.scim_user_id === id);
      return found === undefined ? null : toView(found);
    },
    users: async (organizationId) =>
      new Map((await rows(organizationId)).map((row) => [row.scim_user_id, toView(row)])),
    inboxCount: async () =>
      Number((await pool.query<{ n: string }>('select count(*) as n from scim_events')).rows[0]!.n),
  };
  return {
    adapter,
    db,
    pool,
    view,
    appUsers: async (organizationId) =>
      (await rows(organizationId)).map((row) => ({
        id: row.id,
        organizationId,
        directoryUserId: row.scim_user_id,
        email: row.email,
        name: row.name,
        department: row.department,
        active: row.is_active,
        roles: row.roles ?? [],
        groups: row.groups ?? [],
      })),
    appGroups: async (organizationId) =>
      (
        await pool.query<{ id: string; display_name: string | null; members: string }>(
          `select g.id, g.display_name,
                  (select count(*) from scim_memberships m where m.organization_id = g.organization_id and m.group_id = g.id) as members
             from scim_groups g where g.organization_id = $1`,
          [organizationId],
        )
      ).rows.map((row) => ({ id: row.id, name: row.display_name, members: Number(row.members) })),
    inbox: async (organizationId) =>
      Object.fromEntries(
        (
          await pool.query<{ status: string; n: string }>(
            'select status, count(*) as n from scim_events where organization_id = $1 group by status',
            [organizationId],
          )
        ).rows.map((row) => [row.status, Number(row.n)]),
      ),
    // pool.end() waits for every checked-out client: it resolving after the db-outage scenario shows the
    // adapter gave back every client, including those whose BEGIN failed.
    close: () => pool.end(),
  };
}
