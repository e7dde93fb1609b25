import { ScimError } from '@scim/core';
import { type Column, type SQL, sql } from 'drizzle-orm';
import { chunkRows } from './batches.js';
import type { UserRows } from './user-rows.js';

type Row = Record<string, unknown>;

/** How a dialect runs the statements of account linking. */
export interface LinkStatements {
  /** The rows a query answers. */
  all(query: SQL): Promise<Row[]>;
  /** Runs a statement whose answer is not read. */
  run(query: SQL): Promise<unknown>;
  /** Whether UPDATE ... RETURNING exists (PostgreSQL, SQLite); MySQL reads the linked rows back instead. */
  returning: boolean;
}

export interface EmailLink {
  directoryUserId: string;
  email: string;
}

const column = (c: Column): SQL => sql`${sql.identifier(c.name)}`;
const list = (values: SQL[]): SQL => sql.join(values, sql`, `);

/**
 * Account linking in the app's table: each directory user gets the row whose email equals its own without
 * regard to case, only where that row's organization and user columns are both null (linked to nobody).
 * Items apply in order: a directory user that has a row already, or was linked by an earlier item, is left
 * alone, and a row goes to the first item that asks for it. Two unlinked rows with the same email link
 * neither: nothing tells which account is the person's, and a wrong guess hands one person's account to
 * another; the directory user then gets a row of its own, as without linking. Three statements a call.
 */
export async function linkUsersByEmail(
  users: UserRows,
  db: LinkStatements,
  organizationId: string,
  links: readonly EmailLink[],
): Promise<string[]> {
  const email = users.emailColumn;
  if (email === null) {
    throw new ScimError(
      'CONFIGURATION_ERROR',
      'drizzleAdapter: linking by email needs `users.email`, the email column',
    );
  }
  const linked: string[] = [];
  // Three parameters an item at most (the update), under every driver's limit.
  for (const part of chunkRows(links, 3)) {
    const planned = plan(part, await readMatches(users, email, db, organizationId, part));
    if (planned.length > 0) linked.push(...(await link(users, email, db, organizationId, planned)));
  }
  return linked;
}

/**
 * The directory users of `links` that have a row in this organization already, then, for the others,
 * how many unlinked rows have each item's email. A row is counted for the first item whose email it has
 * (a CASE in item order), so a later item asking for the same email finds none. Each email is compared
 * as the column against a parameter, in the column's collation (MySQL refuses to compare two columns
 * of different collations).
 */
async function readMatches(
  users: UserRows,
  email: Column,
  db: LinkStatements,
  organizationId: string,
  links: readonly EmailLink[],
): Promise<{ withRow: Set<string>; rowsOf: Map<number, number> }> {
  const org = users.organizationIdColumn;
  const uid = users.userIdColumn;
  const existing = await db.all(
    sql`select ${uid} as uid from ${users.table} where ${org} = ${organizationId} and ${uid} in (${list(
      links.map((l) => sql`${l.directoryUserId}`),
    )})`,
  );
  const withRow = new Set(existing.map((row) => String(row.uid)));
  const asked = [...links.entries()].filter(([, l]) => !withRow.has(l.directoryUserId));
  if (asked.length === 0) return { withRow, rowsOf: new Map() };
  const item = sql`case ${sql.join(
    asked.map(([i, l]) => sql`when lower(${email}) = lower(${l.email}) then ${sql.raw(String(i))}`),
    sql` `,
  )} end`;
  const counted = await db.all(
    sql`select m.i as i, count(*) as n from (select ${item} as i from ${users.table} where ${org} is null and ${uid} is null and lower(${email}) in (${list(
      asked.map(([, l]) => sql`lower(${l.email})`),
    )})) as m group by m.i`,
  );
  return { withRow, rowsOf: new Map(counted.map((row) => [Number(row.i), Number(row.n)])) };
}

/** The items that link, in order: see `linkUsersByEmail` for the rules. */
function plan(
  links: readonly EmailLink[],
  { withRow, rowsOf }: { withRow: Set<string>; rowsOf: Map<number, number> },
): EmailLink[] {
  const done = new Set(withRow);
  const out: EmailLink[] = [];
  links.forEach((link, i) => {
    if (done.has(link.directoryUserId) || rowsOf.get(i) !== 1) return;
    done.add(link.directoryUserId);
    out.push(link);
  });
  return out;
}

/**
 * One UPDATE for the planned items. It checks again that the rows are unlinked: a concurrent transaction
 * that linked one first keeps it (the row lock makes this one read its new values and skip it).
 */
async function link(
  users: UserRows,
  email: Column,
  db: LinkStatements,
  organizationId: string,
  planned: readonly EmailLink[],
): Promise<string[]> {
  const org = users.organizationIdColumn;
  const uid = users.userIdColumn;
  const chosen = sql`case ${sql.join(
    planned.map((l) => sql`when lower(${email}) = lower(${l.email}) then ${l.directoryUserId}`),
    sql` `,
  )} end`;
  const update = sql`update ${users.table} set ${column(org)} = ${organizationId}, ${column(uid)} = ${chosen} where ${org} is null and ${uid} is null and lower(${email}) in (${list(
    planned.map((l) => sql`lower(${l.email})`),
  )})`;
  if (db.returning) {
    const rows = await db.all(sql`${update} returning ${column(uid)} as uid`);
    return rows.map((row) => String(row.uid));
  }
  await db.run(update);
  // These directory users had no row before the update: every row they have now, it linked.
  const rows = await db.all(
    sql`select ${uid} as uid from ${users.table} where ${org} = ${organizationId} and ${uid} in (${list(
      planned.map((l) => sql`${l.directoryUserId}`),
    )})`,
  );
  return rows.map((row) => String(row.uid));
}
