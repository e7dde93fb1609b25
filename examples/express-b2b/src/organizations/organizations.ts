import type { Database } from '../db.js';

export interface OrganizationSettingsView {
  emailFromUsername: boolean;
}

/** A domain that is not a domain name, or that another organization verified (one organization per domain). */
export class DomainError extends Error {
  constructor(
    readonly code: 'DOMAIN_INVALID' | 'DOMAIN_TAKEN',
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Organization settings and verified domains (the app's; the proof of ownership is out of this example's scope). */
export class Organizations {
  constructor(private readonly prisma: Database) {}

  /**
   * Records the domain as verified for the organization. A real app does this once the organization has proved
   * it owns the domain (a DNS TXT record); this example takes the administrator's word.
   */
  async verifyDomain(organizationId: string, domain: string): Promise<string> {
    const normalized = domain.trim().toLowerCase();
    if (!DOMAIN.test(normalized)) throw new DomainError('DOMAIN_INVALID', 'not a domain name');
    const existing = await this.prisma.organizationDomain.findUnique({ where: { domain: normalized } });
    if (existing !== null && existing.organizationId !== organizationId)
      throw new DomainError('DOMAIN_TAKEN', 'the domain is verified by another organization');
    if (existing === null)
      await this.prisma.organizationDomain.create({ data: { domain: normalized, organizationId } });
    return normalized;
  }

  async domains(organizationId: string): Promise<string[]> {
    const rows = await this.prisma.organizationDomain.findMany({
      where: { organizationId },
      orderBy: { domain: 'asc' },
    });
    return rows.map((row) => row.domain);
  }

  async settings(organizationId: string, db: Pick<Database, 'organizationSettings'> = this.prisma) {
    const row = await db.organizationSettings.findUnique({ where: { organizationId } });
    return { emailFromUsername: row?.emailFromUsername ?? false };
  }

  async updateSettings(organizationId: string, settings: OrganizationSettingsView): Promise<OrganizationSettingsView> {
    const row = await this.prisma.organizationSettings.upsert({
      where: { organizationId },
      create: { organizationId, ...settings },
      update: settings,
    });
    return { emailFromUsername: row.emailFromUsername };
  }
}
