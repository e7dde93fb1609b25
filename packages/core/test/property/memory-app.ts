import type { MemoryTransaction } from '../../src/adapter/memory-adapter.js';
import type { UserService } from '../../src/apply/user-service.js';

/** A user of the app's own table: its columns, none of the SDK's. */
export interface AppRow {
  email: string | null;
  displayName: string | null;
  department: string | null;
  active: boolean;
  roles: string[];
}

/**
 * An app with its own users in memory and its own user functions, each write undone when the SDK's
 * transaction rolls back (`MemoryTransaction.onRollback`), as a database transaction would.
 *
 * `access`: `'fields'`, create and update write `active` as given (the app has no reactivate);
 * `'functions'`, access changes only through the app's deactivate and reactivate (create makes an active
 * user, update leaves `active` alone), so a call the SDK leaves out shows in the app.
 */
export function memoryApp(access: 'fields' | 'functions' = 'fields'): {
  rows: ReadonlyMap<string, AppRow>;
  users: UserService<MemoryTransaction | undefined>;
} {
  const rows = new Map<string, AppRow>();
  let serial = 0;
  const put = (tx: MemoryTransaction | undefined, id: string, row: AppRow | undefined) => {
    const previous = rows.get(id);
    if (row === undefined) rows.delete(id);
    else rows.set(id, row);
    tx?.onRollback(() => (previous === undefined ? rows.delete(id) : rows.set(id, previous)));
  };
  const users: UserService<MemoryTransaction | undefined> = {
    async create(user, { tx }) {
      const id = String(++serial);
      put(tx, id, {
        email: user.email ?? null,
        displayName: user.displayName ?? null,
        department: user.department ?? null,
        active: access === 'fields' ? user.active : true,
        roles: [...(user.roles ?? [])],
      });
      return id;
    },
    async update(id, user, { tx }) {
      const row = rows.get(id);
      if (row === undefined) throw new Error(`the app has no user ${id}`);
      put(tx, id, {
        email: user.email === undefined ? row.email : user.email,
        displayName: user.displayName === undefined ? row.displayName : user.displayName,
        department: user.department === undefined ? row.department : user.department,
        active: access === 'fields' ? user.active : row.active,
        roles: user.roles === undefined ? row.roles : [...user.roles],
      });
    },
    async deactivate(id, { tx }) {
      const row = rows.get(id);
      if (row === undefined) throw new Error(`the app has no user ${id}`);
      put(tx, id, { ...row, active: false });
    },
    async remove(id, { tx }) {
      if (!rows.has(id)) throw new Error(`the app has no user ${id}`);
      put(tx, id, undefined);
    },
  };
  if (access === 'functions') {
    users.reactivate = async (id, user, ctx) => {
      await users.update(id, user, ctx);
      put(ctx.tx, id, { ...rows.get(id)!, active: true });
    };
  }
  return { rows, users };
}
