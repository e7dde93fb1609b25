import type { MemoryTransaction } from '@scim/core';
import { AdapterError } from '@scim/core/adapter';
import type { TestAppRow, TestAppTable, TestAppUser } from '../src/index.js';

/**
 * The service-mode test app's users table, in memory beside the memory adapter: each write registers
 * its undoing with the adapter's transaction (`tx.onRollback`), so a rolled-back change takes the app's
 * writes with it, as a database transaction would. Ids are numbers, as a serial primary key gives them.
 * A NOT NULL column refused a null the way a database does: an `AdapterError` `CONSTRAINT_VIOLATION`.
 */
export function memoryAppTable(): TestAppTable<MemoryTransaction | undefined> {
  const rows = new Map<string, TestAppRow>();
  let serial = 0;

  const put = (tx: MemoryTransaction | undefined, id: string, row: TestAppRow | undefined): void => {
    const previous = rows.get(id);
    if (row === undefined) rows.delete(id);
    else rows.set(id, row);
    tx?.onRollback(() => {
      if (previous === undefined) rows.delete(id);
      else rows.set(id, previous);
    });
  };

  const notNull = (row: Partial<TestAppUser>): void => {
    for (const column of ['active', 'roles'] as const) {
      if (column in row && (row[column] === null || row[column] === undefined)) {
        throw new AdapterError(
          'CONSTRAINT_VIOLATION',
          `null value in column "${column}" of relation "app_users" violates not-null constraint`,
        );
      }
    }
  };

  return {
    insert(tx, row) {
      notNull({ active: row.active, roles: row.roles });
      const id = ++serial;
      put(tx, String(id), { ...row, roles: [...row.roles], id: String(id) });
      return id;
    },
    update(tx, id, patch) {
      notNull(patch);
      const row = rows.get(id);
      if (row === undefined) return;
      const next: TestAppRow = { ...row };
      for (const [column, value] of Object.entries(patch) as [keyof TestAppUser, unknown][]) {
        if (value !== undefined) (next as unknown as Record<string, unknown>)[column] = value;
      }
      if (patch.roles !== undefined) next.roles = [...patch.roles];
      put(tx, id, next);
    },
    delete(tx, id) {
      if (rows.has(id)) put(tx, id, undefined);
    },
    read(id) {
      const row = rows.get(id);
      return row === undefined ? null : { ...row, roles: [...row.roles] };
    },
    findByEmail(_tx, email) {
      const wanted = email.toLowerCase();
      return [...rows.values()].filter((row) => row.email?.toLowerCase() === wanted).map((row) => row.id);
    },
  };
}
