import type { IdentityLink } from '@scim/core/adapter';
import type { PrismaProvider, PrismaQueryable } from './options.js';
import { chunk, listCost, SqlBuilder } from './sql.js';

type Row = Record<string, unknown>;

const toLink = (row: Row): IdentityLink => ({
  directoryUserId: String(row.directory_user_id),
  appUserId: String(row.app_user_id),
});

/**
 * Identity links in `scim_links`, through raw SQL on the client or on a transaction's client. One
 * statement a call (split only at a provider's parameter limit).
 */
export class PrismaLinks {
  constructor(
    private readonly db: PrismaQueryable,
    private readonly provider: PrismaProvider,
  ) {}

  private async select(organizationId: string, column: string, ids: readonly string[]): Promise<IdentityLink[]> {
    const out: IdentityLink[] = [];
    for (const part of chunk([...new Set(ids)], listCost(this.provider))) {
      const sql = new SqlBuilder(this.provider);
      const rows = await this.db.$queryRawUnsafe<Row[]>(
        `SELECT directory_user_id, app_user_id FROM scim_links WHERE organization_id = ${sql.param(organizationId)} AND ${sql.in(column, part)}`,
        ...sql.values,
      );
      out.push(...rows.map(toLink));
    }
    return out;
  }

  getLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<IdentityLink[]> {
    return this.select(organizationId, 'directory_user_id', directoryUserIds);
  }

  getLinksToAppUsers(organizationId: string, appUserIds: readonly string[]): Promise<IdentityLink[]> {
    return this.select(organizationId, 'app_user_id', appUserIds);
  }

  /** A repeated directory user keeps its last link. */
  async saveLinks(organizationId: string, links: readonly IdentityLink[]): Promise<void> {
    const last = new Map<string, string>();
    for (const link of links) last.set(link.directoryUserId, link.appUserId);
    for (const part of chunk([...last], 3)) {
      const sql = new SqlBuilder(this.provider);
      const values = part.map(([d, a]) => `(${sql.list([organizationId, d, a])})`).join(', ');
      const insert = `INSERT INTO scim_links (organization_id, directory_user_id, app_user_id) VALUES ${values}`;
      await this.db.$executeRawUnsafe(
        this.provider === 'mysql'
          ? `${insert} ON DUPLICATE KEY UPDATE app_user_id = VALUES(app_user_id)`
          : `${insert} ON CONFLICT (organization_id, directory_user_id) DO UPDATE SET app_user_id = excluded.app_user_id`,
        ...sql.values,
      );
    }
  }

  async deleteLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<void> {
    for (const part of chunk([...new Set(directoryUserIds)], listCost(this.provider))) {
      const sql = new SqlBuilder(this.provider);
      await this.db.$executeRawUnsafe(
        `DELETE FROM scim_links WHERE organization_id = ${sql.param(organizationId)} AND ${sql.in('directory_user_id', part)}`,
        ...sql.values,
      );
    }
  }
}
