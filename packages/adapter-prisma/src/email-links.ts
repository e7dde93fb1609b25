import { ScimError } from '@scim/core';
import type { PrismaProvider, PrismaQueryable } from './options.js';
import { chunk, quoteIdentifier, SqlBuilder } from './sql.js';
import type { ModelField, UserModel } from './user-model.js';

type Row = Record<string, unknown>;

export interface EmailLink {
  directoryUserId: string;
  email: string;
}

/**
 * Account linking in the app's model: each directory user gets the row whose email equals its own without
 * regard to case, only where that row's organization and user fields are both null (linked to nobody).
 * Items apply in order: a directory user that has a row already, or was linked by an earlier item, is left
 * alone, and a row goes to the first item that asks for it. Two unlinked rows with the same email link
 * neither: nothing tells which account is the person's, and a wrong guess hands one person's account to
 * another; the directory user then gets a row of its own, as without linking. Three statements a call.
 */
export async function linkUsersByEmail(
  db: PrismaQueryable,
  provider: PrismaProvider,
  model: UserModel,
  organizationId: string,
  links: readonly EmailLink[],
): Promise<string[]> {
  const email = model.email;
  if (email === null) {
    throw new ScimError('CONFIGURATION_ERROR', 'prismaAdapter: linking by email needs `users.email`, the email field');
  }
  const linker = new EmailLinker(db, provider, model, email, organizationId);
  const linked: string[] = [];
  // Three parameters an item at most (the update), under every provider's limit.
  for (const part of chunk(links, 3)) {
    const planned = plan(part, await linker.matches(part));
    if (planned.length > 0) linked.push(...(await linker.link(planned)));
  }
  return linked;
}

interface Matches {
  /** Directory users that already have a row in this organization. */
  withRow: Set<string>;
  /** Item index -> how many unlinked rows have its email (counted for the first item asking for it). */
  rowsOf: Map<number, number>;
}

/** The items that link, in order: see `linkUsersByEmail` for the rules. */
function plan(links: readonly EmailLink[], { withRow, rowsOf }: Matches): EmailLink[] {
  const done = new Set(withRow);
  const out: EmailLink[] = [];
  links.forEach((link, i) => {
    if (done.has(link.directoryUserId) || rowsOf.get(i) !== 1) return;
    done.add(link.directoryUserId);
    out.push(link);
  });
  return out;
}

class EmailLinker {
  private readonly org: string;
  private readonly uid: string;
  private readonly email: string;

  constructor(
    private readonly db: PrismaQueryable,
    private readonly provider: PrismaProvider,
    private readonly model: UserModel,
    email: ModelField,
    private readonly organizationId: string,
  ) {
    const q = (name: string) => quoteIdentifier(provider, name);
    this.org = q(model.organizationId.column);
    this.uid = q(model.userId.column);
    this.email = q(email.column);
  }

  private usersWithRows(sql: SqlBuilder, ids: readonly string[]): string {
    return `SELECT ${this.uid} AS uid FROM ${this.model.table} WHERE ${this.org} = ${sql.param(this.organizationId)} AND ${this.uid} IN (${sql.list(ids)})`;
  }

  /**
   * The directory users that have a row already, then how many unlinked rows have each other item's
   * email: a row is counted for the first item whose email it has (a CASE in item order), so a later item
   * asking for the same email finds none. The column is compared with a parameter, in the column's collation.
   */
  async matches(links: readonly EmailLink[]): Promise<Matches> {
    const existing = new SqlBuilder(this.provider);
    const rows = await this.db.$queryRawUnsafe<Row[]>(
      this.usersWithRows(
        existing,
        links.map((l) => l.directoryUserId),
      ),
      ...existing.values,
    );
    const withRow = new Set(rows.map((row) => String(row.uid)));
    const asked = [...links.entries()].filter(([, l]) => !withRow.has(l.directoryUserId));
    if (asked.length === 0) return { withRow, rowsOf: new Map() };
    const sql = new SqlBuilder(this.provider);
    const item = asked
      .map(([i, l]) => `WHEN lower(${this.email}) = lower(${sql.param(l.email, 'text')}) THEN ${i}`)
      .join(' ');
    const emails = asked.map(([, l]) => `lower(${sql.param(l.email, 'text')})`).join(', ');
    const counted = await this.db.$queryRawUnsafe<Row[]>(
      `SELECT m.i AS i, count(*) AS n FROM (SELECT CASE ${item} END AS i FROM ${this.model.table} WHERE ${this.org} IS NULL AND ${this.uid} IS NULL AND lower(${this.email}) IN (${emails})) m GROUP BY m.i`,
      ...sql.values,
    );
    return { withRow, rowsOf: new Map(counted.map((row) => [Number(row.i), Number(row.n)])) };
  }

  /**
   * One UPDATE for the planned items (their emails are distinct). It checks again that the rows are
   * unlinked: a concurrent transaction that linked one first keeps it.
   */
  async link(planned: readonly EmailLink[]): Promise<string[]> {
    // Placeholders in the order of the text: `?` providers bind by position.
    const sql = new SqlBuilder(this.provider);
    const org = sql.param(this.organizationId, 'text');
    const chosen = planned
      .map(
        (l) =>
          `WHEN lower(${this.email}) = lower(${sql.param(l.email, 'text')}) THEN ${sql.param(l.directoryUserId, 'text')}`,
      )
      .join(' ');
    const emails = planned.map((l) => `lower(${sql.param(l.email, 'text')})`).join(', ');
    const update = `UPDATE ${this.model.table} SET ${this.org} = ${org}, ${this.uid} = CASE ${chosen} END WHERE ${this.org} IS NULL AND ${this.uid} IS NULL AND lower(${this.email}) IN (${emails})`;
    if (this.provider !== 'mysql') {
      const rows = await this.db.$queryRawUnsafe<Row[]>(`${update} RETURNING ${this.uid} AS uid`, ...sql.values);
      return rows.map((row) => String(row.uid));
    }
    await this.db.$executeRawUnsafe(update, ...sql.values);
    // These directory users had no row before the update: every row they have now, it linked.
    const read = new SqlBuilder(this.provider);
    const rows = await this.db.$queryRawUnsafe<Row[]>(
      this.usersWithRows(
        read,
        planned.map((l) => l.directoryUserId),
      ),
      ...read.values,
    );
    return rows.map((row) => String(row.uid));
  }
}
