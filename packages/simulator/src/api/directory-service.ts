import { create } from '@bufbuild/protobuf';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import {
  DirectoryService,
  GetDirectoryResponseSchema,
  ListDirectoriesResponseSchema,
  ListDirectoryGroupsResponseSchema,
  type ListDirectoryUsersRequest,
  type ListDirectoryUsersResponse,
  ToggleDirectoryResponseSchema,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js';
import { timestampToNanos } from '@scim/core/adapter';
import { hasPrefix, MAX_ORGANIZATION_ID_LENGTH } from '../ids.js';
import type { DirectoryRecord, GroupRecord, OrganizationRecord, UserRecord } from '../state/records.js';
import type { StateStore } from '../state/store.js';
import type { ApiRuntime } from './api-runtime.js';
import { directoryMessage, groupMessage, usersResponse } from './messages.js';
import { decodePageToken, encodePageToken, type PageCursor } from './page-token.js';
import { keysetPage } from './paging.js';

/** Scalekit's server-side limits on `pageSize` (the SDK's doc comments): 100 users, 30 groups a page. */
export const MAX_USER_PAGE_SIZE = 100;
export const MAX_GROUP_PAGE_SIZE = 30;
/** The page size of a request that sets none. */
export const DEFAULT_PAGE_SIZE = 10;

const COUNT_CACHE_LIMIT = 64;

interface ServiceContext {
  state: StateStore;
  api: ApiRuntime;
  environmentUrl: () => string;
}

function invalid(message: string): ConnectError {
  return new ConnectError(message, Code.InvalidArgument);
}

function notFound(message: string): ConnectError {
  return new ConnectError(message, Code.NotFound);
}

export interface DirectoryApi {
  /** The DirectoryService RPCs `@scalekit-sdk/node`'s `directory` client calls; the others answer Unimplemented. */
  routes: (router: ConnectRouter) => void;
  /** ListDirectoryUsers itself, for the gRPC fast path (see grpc-fast-path.ts). */
  listUsers: (request: ListDirectoryUsersRequest, authorization: string | null) => Promise<ListDirectoryUsersResponse>;
}

export function createDirectoryApi(context: ServiceContext): DirectoryApi {
  const { state, api } = context;
  // totalSize of a filtered listing costs a scan; it is cached per directory revision and filter.
  const counts = new Map<string, number>();

  const admitContext = (ctx: HandlerContext) => api.admit(ctx.method.localName, ctx.requestHeader.get('authorization'));

  const organization = (id: string): OrganizationRecord => {
    if (!id) throw invalid('organization_id is required');
    if (!hasPrefix(id, 'organization') || id.length > MAX_ORGANIZATION_ID_LENGTH) {
      throw invalid(
        `invalid organization_id: must start with org_ and be at most ${MAX_ORGANIZATION_ID_LENGTH} characters`,
      );
    }
    const org = state.organizationsById.get(id);
    if (org === undefined) throw notFound('organization not found');
    return org;
  };

  const directory = (organizationId: string, id: string): DirectoryRecord => {
    const org = organization(organizationId);
    if (!id) throw invalid('directory id is required');
    if (!hasPrefix(id, 'directory')) throw invalid('invalid directory id: must start with dir_');
    const found = state.directoriesById.get(id);
    if (found === undefined || found.organization !== org) throw notFound('directory not found');
    return found;
  };

  const pageSize = (requested: number, max: number): number => {
    if (requested < 0 || requested > max) {
      throw invalid(`page_size must be between 1 and ${max}`);
    }
    return requested === 0 ? DEFAULT_PAGE_SIZE : requested;
  };

  const cursor = (token: string, kind: PageCursor['kind'], directoryId: string): PageCursor | null => {
    if (token === '') return null;
    const decoded = decodePageToken(token, kind, directoryId);
    if (decoded === null) throw invalid('invalid page_token');
    return decoded;
  };

  const after = (ts: Timestamp | undefined): bigint | null => (ts === undefined ? null : timestampToNanos(ts));

  const count = <T>(key: string, items: readonly T[], match: (item: T) => boolean): number => {
    const cached = counts.get(key);
    if (cached !== undefined) return cached;
    let n = 0;
    for (const item of items) if (match(item)) n++;
    if (counts.size >= COUNT_CACHE_LIMIT) counts.clear();
    counts.set(key, n);
    return n;
  };

  const listUsers = async (
    request: ListDirectoryUsersRequest,
    authorization: string | null,
  ): Promise<ListDirectoryUsersResponse> => {
    api.admit('listDirectoryUsers', authorization);
    const found = directory(request.organizationId, request.directoryId);
    const size = pageSize(request.pageSize, MAX_USER_PAGE_SIZE);
    const position = cursor(request.pageToken, 'users', found.id);
    const since = after(request.updatedAfter);
    let group: GroupRecord | null | undefined = null;
    if (request.directoryGroupId) {
      if (!hasPrefix(request.directoryGroupId, 'group')) {
        throw invalid('invalid directory_group_id: must start with dirgroup_');
      }
      // A well-formed id of a group that does not exist (or no longer does) has no members.
      group = found.groups.get(request.directoryGroupId);
    }
    const match =
      group === null && since === null
        ? null
        : (user: UserRecord) =>
            (group === null || (group !== undefined && user.groups.includes(group))) &&
            (since === null || user.version > since);
    const page = keysetPage({ items: found.listed, match, size, cursor: position });
    const totalSize =
      match === null
        ? found.listed.length
        : count(
            `u|${found.id}|${found.revision}|${request.directoryGroupId ?? ''}|${since ?? ''}`,
            found.listed,
            match,
          );
    return usersResponse(page.items, request.includeDetail === true, {
      totalSize,
      ...tokens(page, 'users', found.id),
    });
  };

  const routes = (router: ConnectRouter): void => {
    router.service(DirectoryService, {
      async listDirectories(request, ctx) {
        admitContext(ctx);
        const org = organization(request.organizationId);
        const url = context.environmentUrl();
        return create(ListDirectoriesResponseSchema, {
          directories: org.directories.map((d) => directoryMessage(d, url)),
        });
      },

      async getDirectory(request, ctx) {
        admitContext(ctx);
        const found = directory(request.organizationId, request.id);
        return create(GetDirectoryResponseSchema, { directory: directoryMessage(found, context.environmentUrl()) });
      },

      async enableDirectory(request, ctx) {
        admitContext(ctx);
        const found = directory(request.organizationId, request.id);
        return create(ToggleDirectoryResponseSchema, { enabled: state.setDirectoryEnabled(found, true).enabled });
      },

      async disableDirectory(request, ctx) {
        admitContext(ctx);
        const found = directory(request.organizationId, request.id);
        return create(ToggleDirectoryResponseSchema, { enabled: state.setDirectoryEnabled(found, false).enabled });
      },

      listDirectoryUsers: (request, ctx) => listUsers(request, ctx.requestHeader.get('authorization')),

      async listDirectoryGroups(request, ctx) {
        admitContext(ctx);
        const found = directory(request.organizationId, request.directoryId);
        const size = pageSize(request.pageSize, MAX_GROUP_PAGE_SIZE);
        const position = cursor(request.pageToken, 'groups', found.id);
        const since = after(request.updatedAfter);
        const match = since === null ? null : (group: GroupRecord) => group.version > since;
        const page = keysetPage({ items: found.groupList, match, size, cursor: position });
        const totalSize =
          match === null
            ? found.groupList.length
            : count(`g|${found.id}|${found.revision}|${since}`, found.groupList, match);
        const detail = request.includeDetail === true;
        return create(ListDirectoryGroupsResponseSchema, {
          groups: page.items.map((g) => groupMessage(g, detail)),
          totalSize,
          ...tokens(page, 'groups', found.id),
        });
      },
    });
  };

  return { routes, listUsers };
}

function tokens(
  page: { items: { id: string }[]; hasNext: boolean; hasPrevious: boolean },
  kind: PageCursor['kind'],
  directoryId: string,
): { nextPageToken: string; prevPageToken: string } {
  const first = page.items[0];
  const last = page.items[page.items.length - 1];
  return {
    nextPageToken:
      page.hasNext && last !== undefined ? encodePageToken({ kind, directoryId, direction: 'after', id: last.id }) : '',
    prevPageToken:
      page.hasPrevious && first !== undefined
        ? encodePageToken({ kind, directoryId, direction: 'before', id: first.id })
        : '',
  };
}
