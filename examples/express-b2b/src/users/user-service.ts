import type { Prisma } from '../../generated/sqlite/client.js';
import type { Database } from '../db.js';

/** A Prisma client or one of its interactive transactions: every method writes through the one it is given. */
export type Db = Prisma.TransactionClient;

/** Who makes a change, as the audit log records it. */
export interface Actor {
  /** `app`: the app's own routes; `scim:webhook`, `scim:sync`: a customer's directory. */
  kind: string;
  /** The directory event being applied, if any. */
  eventId?: string | undefined;
}

export const APP: Actor = { kind: 'app' };

export type UserErrorCode = 'EMAIL_INVALID' | 'EMAIL_TAKEN' | 'DOMAIN_CLAIMED' | 'NOT_FOUND' | 'NOT_A_MEMBER';

/** A change the service refuses; the message names no value (it may be logged or stored). */
export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export interface ProfileChanges {
  email?: string;
  name?: string | null;
  managedBy?: string | null;
}

export interface MemberChanges {
  role?: string;
  department?: string | null;
  jobTitle?: string | null;
}

export interface NewUser {
  email: string;
  name?: string | null;
  /** The organization whose directory manages the profile; null for a person who signs up or is invited. */
  managedBy?: string | null;
  membership?: { organizationId: string } & MemberChanges;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Emails are stored trimmed and lowercased, so the unique key on `users.email` ignores case. */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!EMAIL.test(normalized)) throw new UserError('EMAIL_INVALID', 'not an email address');
  return normalized;
}

export const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1);

/** The keys of `changes` whose value differs from `current` (`undefined` means "not given"). */
function changed<T extends object>(current: T, changes: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(changes) as (keyof T)[]) {
    const value = changes[key];
    if (value !== undefined && value !== current[key]) out[key] = value;
  }
  return out;
}

/**
 * The app's user service: the one place that writes users and memberships, each change with its audit row in
 * the same transaction. The app's routes call it, and so does the directory sync (src/scim.ts), with the SDK's
 * transaction as `db`. It knows nothing of SCIM.
 */
export class UserService {
  constructor(private readonly prisma: Database) {}

  /** Runs `fn` in one transaction: several calls of the service that must commit together. */
  inTransaction<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  /** Runs `fn` in `db` when given (the caller's transaction), else in a transaction of its own. */
  private within<T>(db: Db | undefined, fn: (db: Db) => Promise<T>): Promise<T> {
    return db === undefined ? this.prisma.$transaction(fn) : fn(db);
  }

  private async audit(
    db: Db,
    entry: { actor: Actor; userId: number; organizationId?: string | null; action: string; changes: object },
    note?: string,
  ) {
    await db.auditLog.create({
      data: {
        actor: entry.actor.kind,
        eventId: entry.actor.eventId ?? null,
        organizationId: entry.organizationId ?? null,
        userId: entry.userId,
        action: entry.action,
        changes: entry.changes as Prisma.InputJsonObject,
        note: note ?? null,
      },
    });
  }

  /** Refuses an email that another person has, or in a domain another organization verified. */
  private async checkEmail(db: Db, email: string, userId: number | null, managedBy: string | null | undefined) {
    const holder = await db.user.findUnique({ where: { email }, select: { id: true } });
    if (holder !== null && holder.id !== userId) {
      throw new UserError('EMAIL_TAKEN', 'another account has this email');
    }
    const owner = await db.organizationDomain.findUnique({ where: { domain: domainOf(email) } });
    if (owner !== null && managedBy != null && owner.organizationId !== managedBy) {
      throw new UserError('DOMAIN_CLAIMED', "the email's domain is verified by another organization");
    }
  }

  async createUser(input: NewUser, actor: Actor, db?: Db) {
    const email = normalizeEmail(input.email);
    return this.within(db, async (db) => {
      await this.checkEmail(db, email, null, input.managedBy);
      const profile = { email, name: input.name ?? null, managedBy: input.managedBy ?? null };
      const user = await db.user.create({ data: profile });
      await this.audit(db, {
        actor,
        userId: user.id,
        organizationId: input.membership?.organizationId,
        action: 'user.created',
        changes: profile,
      });
      if (input.membership !== undefined) {
        const { organizationId, ...fields } = input.membership;
        await this.addMember(user.id, organizationId, fields, actor, db);
      }
      return user;
    });
  }

  /** Changes the person's profile; writes nothing (and no audit row) when nothing differs. */
  async updateUser(userId: number, changes: ProfileChanges, actor: Actor, db?: Db, organizationId?: string) {
    return this.within(db, async (db) => {
      const user = await db.user.findUnique({ where: { id: userId } });
      if (user === null) throw new UserError('NOT_FOUND', `no user ${userId}`);
      const wanted = { ...changes, ...(changes.email === undefined ? {} : { email: normalizeEmail(changes.email) }) };
      const diff = changed(user, wanted);
      if (Object.keys(diff).length === 0) return user;
      if (diff.email !== undefined || diff.managedBy !== undefined) {
        await this.checkEmail(db, diff.email ?? user.email, userId, diff.managedBy ?? user.managedBy);
      }
      const updated = await db.user.update({ where: { id: userId }, data: diff });
      await this.audit(db, { actor, userId, organizationId, action: 'user.updated', changes: diff });
      return updated;
    });
  }

  /** Adds the person to an organization (active), or updates the membership they already have. */
  async addMember(userId: number, organizationId: string, fields: MemberChanges, actor: Actor, db?: Db) {
    return this.within(db, async (db) => {
      const existing = await db.organizationMember.findUnique({
        where: { userId_organizationId: { userId, organizationId } },
      });
      if (existing !== null) return this.updateMember(userId, organizationId, fields, actor, db);
      const data = {
        role: fields.role ?? 'member',
        department: fields.department ?? null,
        jobTitle: fields.jobTitle ?? null,
        active: true,
      };
      const member = await db.organizationMember.create({ data: { userId, organizationId, ...data } });
      await this.audit(db, { actor, userId, organizationId, action: 'member.added', changes: data });
      return member;
    });
  }

  async updateMember(userId: number, organizationId: string, fields: MemberChanges, actor: Actor, db?: Db) {
    return this.within(db, async (db) => {
      const member = await this.member(db, userId, organizationId);
      const diff = changed(member, fields);
      if (Object.keys(diff).length === 0) return member;
      const updated = await db.organizationMember.update({
        where: { userId_organizationId: { userId, organizationId } },
        data: diff,
      });
      await this.audit(db, { actor, userId, organizationId, action: 'member.updated', changes: diff });
      return updated;
    });
  }

  /** Ends the person's access to one organization; their other memberships and their account stay. */
  async deactivateMember(userId: number, organizationId: string, actor: Actor, db?: Db) {
    await this.setActive(userId, organizationId, false, actor, db);
  }

  async reactivateMember(userId: number, organizationId: string, actor: Actor, db?: Db) {
    await this.setActive(userId, organizationId, true, actor, db);
  }

  private async setActive(userId: number, organizationId: string, active: boolean, actor: Actor, db?: Db) {
    await this.within(db, async (db) => {
      const member = await this.member(db, userId, organizationId);
      if (member.active === active) return;
      await db.organizationMember.update({
        where: { userId_organizationId: { userId, organizationId } },
        data: { active },
      });
      const action = active ? 'member.reactivated' : 'member.deactivated';
      await this.audit(db, { actor, userId, organizationId, action, changes: { active } });
    });
  }

  /** Records that an organization's directory now speaks for this existing person, and why it may. */
  async recordLink(userId: number, organizationId: string, why: string, actor: Actor, db?: Db) {
    await this.within(db, (db) =>
      this.audit(db, { actor, userId, organizationId, action: 'user.linked', changes: {} }, why),
    );
  }

  private async member(db: Db, userId: number, organizationId: string) {
    const member = await db.organizationMember.findUnique({
      where: { userId_organizationId: { userId, organizationId } },
    });
    if (member === null) throw new UserError('NOT_A_MEMBER', `user ${userId} is not a member of the organization`);
    return member;
  }

  findByEmail(email: string, db: Db = this.prisma) {
    return db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  }

  async isMember(userId: number, organizationId: string, db: Db = this.prisma): Promise<boolean> {
    const member = await db.organizationMember.findUnique({
      where: { userId_organizationId: { userId, organizationId } },
      select: { userId: true },
    });
    return member !== null;
  }

  /** The organization that verified this domain, if any. */
  async domainOwner(domain: string, db: Db = this.prisma): Promise<string | null> {
    const row = await db.organizationDomain.findUnique({ where: { domain: domain.toLowerCase() } });
    return row?.organizationId ?? null;
  }
}
