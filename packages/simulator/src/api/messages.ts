import { create, type JsonObject } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { type Timestamp, TimestampSchema } from '@bufbuild/protobuf/wkt';
import {
  type Directory,
  type DirectoryGroup,
  DirectoryGroupSchema,
  DirectoryProvider,
  DirectorySchema,
  DirectoryType,
  DirectoryUserSchema,
  type ListDirectoryUsersResponse,
  ListDirectoryUsersResponseSchema,
  StatsSchema,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js';
import { nanosToTimestampParts } from '../clock.js';
import { groupDetail, userData } from '../state/payloads.js';
import type { DirectoryRecord, GroupRecord, UserRecord } from '../state/records.js';
import { encodeUser, type UserFields, withStructField } from './wire.js';

/** Directory API answers, built as protobuf messages straight from the records. */

const USERS_FIELD = ListDirectoryUsersResponseSchema.field.users!.number;
const USER_DETAIL_FIELD = DirectoryUserSchema.field.userDetail!.number;

export function timestamp(nanos: bigint): Timestamp {
  return create(TimestampSchema, nanosToTimestampParts(nanos));
}

const USER_FIELDS: UserFields = {
  id: DirectoryUserSchema.field.id!.number,
  email: DirectoryUserSchema.field.email!.number,
  preferredUsername: DirectoryUserSchema.field.preferredUsername!.number,
  givenName: DirectoryUserSchema.field.givenName!.number,
  familyName: DirectoryUserSchema.field.familyName!.number,
  updatedAt: DirectoryUserSchema.field.updatedAt!.number,
  emails: DirectoryUserSchema.field.emails!.number,
  groups: DirectoryUserSchema.field.groups!.number,
  groupId: DirectoryGroupSchema.field.id!.number,
  groupDisplayName: DirectoryGroupSchema.field.displayName!.number,
  timestampSeconds: TimestampSchema.field.seconds!.number,
  timestampNanos: TimestampSchema.field.nanos!.number,
};

/** The user's DirectoryUser without `userDetail`, length-delimited; encoded once per change of the user. */
function userBytes(user: UserRecord): Uint8Array {
  const epoch = user.directory.renderEpoch;
  if (user.apiBytes === undefined || user.apiEpoch !== epoch) {
    const { seconds, nanos } = nanosToTimestampParts(user.version);
    user.apiBytes = encodeUser(USER_FIELDS, {
      id: user.id,
      email: user.email,
      username: user.username,
      givenName: user.givenName ?? '',
      familyName: user.familyName ?? '',
      seconds,
      nanos,
      emails: user.emails,
      groups: user.groups,
    });
    user.apiEpoch = epoch;
  }
  return user.apiBytes;
}

/** The bytes after the length varint. */
function withoutLength(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (bytes[i]! & 0x80) i++;
  return bytes.subarray(i + 1);
}

/**
 * A ListDirectoryUsers answer. The users go in as already encoded fields (`$unknown` entries with the
 * `users` field number, which protobuf-es writes out verbatim), so serializing a page copies bytes instead of
 * re-encoding 30 messages. On the wire it is an ordinary answer; decoders take repeated fields in any order.
 */
export function usersResponse(
  users: readonly UserRecord[],
  detail: boolean,
  fields: { totalSize: number; nextPageToken: string; prevPageToken: string },
): ListDirectoryUsersResponse {
  const response = create(ListDirectoryUsersResponseSchema, fields);
  response.$unknown = users.map((user) => {
    const plain = userBytes(user);
    const data = detail
      ? withStructField(withoutLength(plain), USER_DETAIL_FIELD, userData(user) as JsonObject)
      : plain;
    return { no: USERS_FIELD, wireType: WireType.LengthDelimited, data };
  });
  return response;
}

export function groupMessage(group: GroupRecord, detail: boolean): DirectoryGroup {
  return create(DirectoryGroupSchema, {
    id: group.id,
    displayName: group.displayName,
    totalUsers: group.activeMembers,
    updatedAt: timestamp(group.version),
    ...(detail ? { groupDetail: groupDetail(group) as JsonObject } : {}),
  });
}

const latestCache = new WeakMap<DirectoryRecord, { revision: number; user: bigint; group: bigint }>();

/** The latest user and group versions of a directory, recomputed only after a change. */
function latestVersions(directory: DirectoryRecord): { user: bigint; group: bigint } {
  const cached = latestCache.get(directory);
  if (cached !== undefined && cached.revision === directory.revision) return cached;
  let user = 0n;
  for (const u of directory.users.values()) if (u.version > user) user = u.version;
  let group = 0n;
  for (const g of directory.groupList) if (g.version > group) group = g.version;
  const latest = { revision: directory.revision, user, group };
  latestCache.set(directory, latest);
  return latest;
}

export function directoryMessage(directory: DirectoryRecord, environmentUrl: string): Directory {
  const { user: userUpdatedAt, group: groupUpdatedAt } = latestVersions(directory);
  return create(DirectorySchema, {
    id: directory.id,
    name: directory.name,
    directoryType: DirectoryType[directory.type],
    organizationId: directory.organization.id,
    enabled: directory.enabled,
    directoryProvider: DirectoryProvider[directory.provider],
    ...(directory.lastSyncedAt === null ? {} : { lastSyncedAt: timestamp(directory.lastSyncedAt) }),
    directoryEndpoint: `${environmentUrl}/api/v1/directories/${directory.id}/scim/v2`,
    totalUsers: directory.listed.length,
    totalGroups: directory.groupList.length,
    stats: create(StatsSchema, {
      totalUsers: directory.listed.length,
      totalGroups: directory.groupList.length,
      ...(userUpdatedAt > 0n ? { userUpdatedAt: timestamp(userUpdatedAt) } : {}),
      ...(groupUpdatedAt > 0n ? { groupUpdatedAt: timestamp(groupUpdatedAt) } : {}),
    }),
    status: directory.status,
    groupsTracked: 'ALL',
  });
}
