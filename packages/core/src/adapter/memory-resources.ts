import type { ResourceStore } from './contract.js';
import type { MemoryData } from './memory-data.js';
import type { ListPage } from './records.js';
import type {
  ResourceFilter,
  ResourceIndex,
  ResourcePage,
  ResourcePut,
  ResourcePutResult,
  ResourceQuery,
  ResourceType,
  StoredResource,
  TokenRecord,
} from './resources.js';

type Indexed = { resource: StoredResource; index: ResourceIndex };

const key = (type: ResourceType, id: string) => `${type}:${id}`;

function copy(resource: StoredResource): StoredResource {
  return { ...resource, attributes: structuredClone(resource.attributes) };
}

function text(entry: Indexed, attribute: string): string[] {
  const { index, resource } = entry;
  switch (attribute) {
    case 'id':
      return [resource.id];
    case 'userName':
      return index.userName === null ? [] : [index.userName];
    case 'externalId':
      return index.externalId === null ? [] : [index.externalId];
    case 'displayName':
      return index.displayName === null ? [] : [index.displayName];
    default:
      return index.emails;
  }
}

/** The filter as a database would run it, over the stored index values. */
export function matchesResource(entry: Indexed, filter: ResourceFilter): boolean {
  if (filter.op === 'and') return filter.filters.every((f) => matchesResource(entry, f));
  if (filter.attribute === 'active') return entry.index.active === filter.value;
  if (filter.attribute === 'meta.lastModified') {
    const stored = entry.resource.lastModified.getTime();
    const value = filter.value.getTime();
    switch (filter.op) {
      case 'eq':
        return stored === value;
      case 'gt':
        return stored > value;
      case 'ge':
        return stored >= value;
      case 'lt':
        return stored < value;
      case 'le':
        return stored <= value;
    }
  }
  const { op, value } = filter;
  return text(entry, filter.attribute).some((v) =>
    op === 'eq' ? v === value : op === 'sw' ? v.startsWith(value) : v.includes(value),
  );
}

/** The SCIM server's records in memory, written through the transaction's undo log. */
export class MemoryResources implements ResourceStore {
  constructor(
    private readonly data: MemoryData,
    private readonly set: <V>(map: Map<string, V>, key: string, value: V | undefined) => void,
  ) {}

  async getResource(organizationId: string, resourceType: ResourceType, id: string): Promise<StoredResource | null> {
    const entry = this.data.peek(organizationId).resources.get(key(resourceType, id));
    return entry === undefined ? null : copy(entry.resource);
  }

  async queryResources(query: ResourceQuery): Promise<ResourcePage> {
    const matches = [...this.data.peek(query.organizationId).resources.values()]
      .filter((e) => e.resource.resourceType === query.resourceType)
      .filter((e) => query.filter === null || matchesResource(e, query.filter))
      .sort((a, b) => (a.resource.id < b.resource.id ? -1 : a.resource.id > b.resource.id ? 1 : 0));
    const page = query.limit === 0 ? [] : matches.slice(query.offset, query.offset + query.limit);
    return { total: matches.length, resources: page.map((e) => copy(e.resource)) };
  }

  async existingResources(
    organizationId: string,
    resourceType: ResourceType,
    ids: readonly string[],
  ): Promise<string[]> {
    const resources = this.data.peek(organizationId).resources;
    return [...new Set(ids)].filter((id) => resources.has(key(resourceType, id)));
  }

  async putResource(organizationId: string, put: ResourcePut): Promise<ResourcePutResult> {
    const resources = this.data.org(organizationId).resources;
    const k = key(put.resourceType, put.id);
    const stored = resources.get(k);
    if ((stored?.resource.version ?? null) !== put.expectedVersion) return 'version-conflict';
    if (put.resource === null) {
      this.set(resources, k, undefined);
      return 'ok';
    }
    const { userName } = put.resource.index;
    if (put.resourceType === 'User' && userName !== null) {
      for (const other of resources.values()) {
        if (
          other.resource.resourceType === 'User' &&
          other.resource.id !== put.id &&
          other.index.userName === userName
        ) {
          return 'uniqueness';
        }
      }
    }
    const resource: StoredResource = {
      organizationId,
      resourceType: put.resourceType,
      id: put.id,
      attributes: structuredClone(put.resource.attributes),
      version: put.version,
      created: put.resource.created,
      lastModified: put.resource.lastModified,
    };
    this.set(resources, k, { resource, index: { ...put.resource.index, emails: [...put.resource.index.emails] } });
    return 'ok';
  }

  async addMemberships(
    organizationId: string,
    memberships: readonly { userId: string; groupId: string }[],
  ): Promise<void> {
    const org = this.data.org(organizationId);
    for (const { userId, groupId } of memberships) {
      const groups = org.groupsOfUser.get(userId) ?? [];
      if (!groups.includes(groupId)) this.set(org.groupsOfUser, userId, [...groups, groupId]);
    }
  }

  async removeMemberships(
    organizationId: string,
    memberships: readonly { userId: string; groupId: string }[],
  ): Promise<void> {
    const org = this.data.org(organizationId);
    for (const { userId, groupId } of memberships) {
      const groups = org.groupsOfUser.get(userId);
      if (groups === undefined || !groups.includes(groupId)) continue;
      const rest = groups.filter((g) => g !== groupId);
      this.set(org.groupsOfUser, userId, rest.length === 0 ? undefined : rest);
    }
  }

  async listGroupMembers(organizationId: string, groupId: string, page: ListPage): Promise<string[]> {
    const members: string[] = [];
    for (const [userId, groups] of this.data.peek(organizationId).groupsOfUser) {
      if (groups.includes(groupId) && (page.after === undefined || userId > page.after)) members.push(userId);
    }
    return members.sort().slice(0, page.limit);
  }

  async findToken(hash: string): Promise<TokenRecord | null> {
    const token = this.data.tokens.get(hash);
    return token === undefined ? null : { ...token };
  }

  async saveToken(token: TokenRecord): Promise<void> {
    this.set(this.data.tokens, token.hash, { ...token });
  }

  async listTokens(organizationId: string): Promise<TokenRecord[]> {
    return [...this.data.tokens.values()]
      .filter((t) => t.organizationId === organizationId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((t) => ({ ...t }));
  }

  async expireTokens(organizationId: string, hashes: readonly string[], at: Date): Promise<void> {
    for (const hash of hashes) {
      const token = this.data.tokens.get(hash);
      if (token !== undefined && token.organizationId === organizationId)
        this.set(this.data.tokens, hash, { ...token, expiresAt: at });
    }
  }
}
