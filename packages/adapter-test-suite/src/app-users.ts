import type { ProvisionContext, ProvisionedUser, ScimAdapter, UserService, WriteSource } from '@scim/core';
import type { TestAppRow, TestAppTable, TestAppUser } from './test-app-table.js';

type AppMethod = 'create' | 'update' | 'deactivate' | 'reactivate' | 'remove' | 'findExisting';

/** One call of the app's user functions, as the engine made it. */
export interface AppCall {
  method: AppMethod;
  organizationId: string;
  directoryUserId: string;
  /** The app user the call was about; for `create` the id it resolved, for `findExisting` its answer. */
  appUserId: string | null;
  source: WriteSource;
  /** The webhook event being applied (undefined in a sync). */
  eventId: string | undefined;
  /** Whether the call was given a transaction handle (`ctx.tx`). */
  tx: boolean;
  /** The user the call was given (create, update, reactivate, findExisting). */
  user?: ProvisionedUser;
}

/** The suite's own user functions over the test app's table, for overrides to build on. */
export interface AppFunctions {
  create(user: ProvisionedUser, ctx: ProvisionContext): Promise<string | number>;
  /** The fields given (not undefined), the others left as they are. */
  update(appUserId: string, user: ProvisionedUser, ctx: ProvisionContext): Promise<void>;
  deactivate(appUserId: string, ctx: ProvisionContext): Promise<void>;
  remove(appUserId: string, ctx: ProvisionContext): Promise<void>;
  /** A `findExisting` that answers the app user with the same email (compared without case), read through `ctx.tx`. */
  findByEmail(user: ProvisionedUser, ctx: ProvisionContext): Promise<string | null>;
}

/** The test app of a service-mode test: its users table, the suite's user functions over it, and their calls. */
export interface ConformanceApp {
  readonly table: TestAppTable;
  /** Every call of the app's functions made by this test's engines, in order. */
  readonly calls: AppCall[];
  readonly functions: AppFunctions;
  /**
   * A `UserService` over the table (create, update, deactivate, remove; no reactivate or findExisting),
   * its calls recorded; `overrides` add or replace functions (`undefined` removes one).
   */
  users(overrides?: Partial<UserService>): UserService;
  /** Inserts an app user outside the engine (one who signed up by themselves), in a transaction of the adapter. */
  seed(row: Partial<TestAppUser>): Promise<string>;
  /** A committed row of the app's table. */
  read(appUserId: string): Promise<TestAppRow | null>;
  /** The calls of one method, optionally of one directory user. */
  callsOf(method: AppMethod, directoryUserId?: string): AppCall[];
}

function rowOf(user: ProvisionedUser): TestAppUser {
  return {
    email: user.email ?? null,
    displayName: user.displayName ?? null,
    givenName: user.givenName ?? null,
    familyName: user.familyName ?? null,
    active: user.active,
    roles: [...(user.roles ?? [])],
  };
}

function patchOf(user: ProvisionedUser): Partial<TestAppUser> {
  const patch: Partial<TestAppUser> = { active: user.active };
  if (user.email !== undefined) patch.email = user.email;
  if (user.displayName !== undefined) patch.displayName = user.displayName;
  if (user.givenName !== undefined) patch.givenName = user.givenName;
  if (user.familyName !== undefined) patch.familyName = user.familyName;
  if (user.roles !== undefined) patch.roles = [...user.roles];
  return patch;
}

export function createApp(table: TestAppTable, adapter: ScimAdapter): ConformanceApp {
  const calls: AppCall[] = [];
  const functions: AppFunctions = {
    create: async (user, ctx) => await table.insert(ctx.tx, rowOf(user)),
    update: async (id, user, ctx) => await table.update(ctx.tx, id, patchOf(user)),
    deactivate: async (id, ctx) => await table.update(ctx.tx, id, { active: false }),
    remove: async (id, ctx) => await table.delete(ctx.tx, id),
    findByEmail: async (user, ctx) =>
      typeof user.email === 'string' ? ((await table.findByEmail(ctx.tx, user.email))[0] ?? null) : null,
  };

  const record = (method: AppMethod, ctx: ProvisionContext, appUserId: string | null, user?: ProvisionedUser) => {
    const call: AppCall = {
      method,
      organizationId: ctx.organizationId,
      directoryUserId: ctx.directoryUserId,
      appUserId,
      source: ctx.source,
      eventId: ctx.event?.id,
      tx: ctx.tx !== undefined && ctx.tx !== null,
      ...(user === undefined ? {} : { user }),
    };
    calls.push(call);
    return call;
  };

  const users = (overrides: Partial<UserService> = {}): UserService => {
    const chosen: Partial<UserService> = {
      create: functions.create,
      update: functions.update,
      deactivate: functions.deactivate,
      remove: functions.remove,
      ...overrides,
    };
    const service: UserService = {
      async create(user, ctx) {
        const call = record('create', ctx, null, user);
        const id = await chosen.create!(user, ctx);
        call.appUserId = String(id);
        return id;
      },
      async update(id, user, ctx) {
        record('update', ctx, id, user);
        await chosen.update!(id, user, ctx);
      },
      async deactivate(id, ctx) {
        record('deactivate', ctx, id);
        await chosen.deactivate!(id, ctx);
      },
    };
    const { reactivate, remove, findExisting } = chosen;
    if (reactivate !== undefined) {
      service.reactivate = async (id, user, ctx) => {
        record('reactivate', ctx, id, user);
        await reactivate(id, user, ctx);
      };
    }
    if (remove !== undefined) {
      service.remove = async (id, ctx) => {
        record('remove', ctx, id);
        await remove(id, ctx);
      };
    }
    if (findExisting !== undefined) {
      service.findExisting = async (user, ctx) => {
        const call = record('findExisting', ctx, null, user);
        const found = await findExisting(user, ctx);
        call.appUserId = found === null || found === undefined ? null : String(found);
        return found;
      };
    }
    return service;
  };

  return {
    table,
    calls,
    functions,
    users,
    async seed(row) {
      const full: TestAppUser = {
        email: null,
        displayName: null,
        givenName: null,
        familyName: null,
        active: true,
        roles: [],
        ...row,
      };
      const id = await adapter.transaction(async (_store, tx) => await table.insert(tx, full));
      return String(id);
    },
    read: async (id) => await table.read(id),
    callsOf: (method, directoryUserId) =>
      calls.filter(
        (c) => c.method === method && (directoryUserId === undefined || c.directoryUserId === directoryUserId),
      ),
  };
}
