import { ScimError } from '@scim/core';
import type { IdentityLink } from '@scim/core/adapter';
import type { ClientSession, Model } from 'mongoose';
import type { LinkDoc } from './documents.js';
import { type EmailLink, linkUpserts, planEmailLinks, type UnlinkedCandidate } from './link-operations.js';
import type { ScimModels } from './models.js';
import type { MongooseUserMapping } from './options.js';

/** What the links need of their store: its session, its error translation and its idempotent bulk write. */
export interface LinkStoreHost {
  readonly options: { session?: ClientSession };
  run<T>(operation: () => Promise<T>, appModel?: boolean): Promise<T>;
  idempotentBulk<T>(model: Model<T>, operations: readonly unknown[], ordered: boolean): Promise<void>;
}

type AnyDocument = Record<string, unknown>;

/**
 * Case-insensitive string comparison (strength 2: letters and accents count, case does not), the way an
 * app indexes emails for such lookups: `{ email: 1 }` with the same collation serves it.
 */
const CASE_INSENSITIVE = { locale: 'en', strength: 2 } as const;

/** Identity links (`scim_links`) and account linking in the app's collection, for one store view. */
export class IdentityLinks<TUser> {
  constructor(
    private readonly host: LinkStoreHost,
    private readonly models: ScimModels,
  ) {}

  private find(filter: Record<string, unknown>): Promise<IdentityLink[]> {
    return this.host.run(async () => {
      const docs = await this.models.links.find(filter, null, this.host.options).lean<LinkDoc[]>();
      return docs.map((doc) => ({ directoryUserId: doc.directoryUserId, appUserId: doc.appUserId }));
    });
  }

  getLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<IdentityLink[]> {
    if (directoryUserIds.length === 0) return Promise.resolve([]);
    return this.find({ organizationId, directoryUserId: { $in: [...new Set(directoryUserIds)] } });
  }

  getLinksToAppUsers(organizationId: string, appUserIds: readonly string[]): Promise<IdentityLink[]> {
    if (appUserIds.length === 0) return Promise.resolve([]);
    return this.find({ organizationId, appUserId: { $in: [...new Set(appUserIds)] } });
  }

  saveLinks(organizationId: string, links: readonly IdentityLink[]): Promise<void> {
    return this.host.run(() => this.host.idempotentBulk(this.models.links, linkUpserts(organizationId, links), false));
  }

  deleteLinks(organizationId: string, directoryUserIds: readonly string[]): Promise<void> {
    if (directoryUserIds.length === 0) return Promise.resolve();
    return this.host.run(async () => {
      await this.models.links.deleteMany(
        { organizationId, directoryUserId: { $in: [...new Set(directoryUserIds)] } },
        this.host.options,
      );
    });
  }

  /**
   * Account linking: four round trips a call, whatever its size. The documents of these directory users,
   * the unlinked documents with their emails, the plan (see `planEmailLinks`), one conditional update per
   * planned document (it must still be unlinked), and a read of who got one. Run by the store, which
   * translates its errors.
   */
  async linkUsersByEmail(
    mapping: MongooseUserMapping<TUser>,
    organizationId: string,
    links: readonly EmailLink[],
  ): Promise<string[]> {
    if (mapping.email === undefined) {
      throw new ScimError(
        'CONFIGURATION_ERROR',
        'mongooseAdapter: linking by email needs `users.email`, the email field',
      );
    }
    if (links.length === 0) return [];
    const org = mapping.organizationId;
    const uid = mapping.userId;
    const email = mapping.email;
    const model = mapping.model as unknown as Model<AnyDocument>;
    const options = this.host.options;
    const ids = [...new Set(links.map((l) => l.directoryUserId))];
    const owned = { [org]: organizationId, [uid]: { $in: ids } };
    const unlinked = { [org]: null, [uid]: null };
    const existing = await model.find(owned, { [uid]: 1 }, options).lean<AnyDocument[]>();
    const found = await model
      .find({ ...unlinked, [email]: { $in: [...new Set(links.map((l) => l.email))] } }, { [email]: 1 }, options)
      .collation(CASE_INSENSITIVE)
      .lean<AnyDocument[]>();
    const candidates: UnlinkedCandidate[] = found.map((doc) => ({ _id: doc._id, email: String(doc[email]) }));
    const planned = planEmailLinks(links, new Set(existing.map((doc) => String(doc[uid]))), candidates);
    if (planned.length === 0) return [];
    await model.bulkWrite(
      planned.map(({ directoryUserId, documentId }) => ({
        updateOne: {
          filter: { _id: documentId, ...unlinked },
          update: { $set: { [org]: organizationId, [uid]: directoryUserId } },
        },
      })),
      { ordered: false, ...options },
    );
    const linked = await model
      .find({ [org]: organizationId, [uid]: { $in: planned.map((p) => p.directoryUserId) } }, { [uid]: 1 }, options)
      .lean<AnyDocument[]>();
    return linked.map((doc) => String(doc[uid]));
  }
}
