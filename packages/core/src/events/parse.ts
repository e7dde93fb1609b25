import type { z } from 'zod';
import { ScimError } from '../errors.js';
import {
  deletedUserDataSchema,
  directoryDataSchema,
  envelopeSchema,
  groupDataSchema,
  type RawDirectoryData,
  type RawGroupData,
  type RawUserData,
  userDataSchema,
} from './schemas.js';
import { rfc3339ToNanos } from './timestamp.js';
import {
  type DeletedDirectoryUser,
  DIRECTORY_EVENT_TYPES,
  type Directory,
  type DirectoryEvent,
  type DirectoryEventBase,
  type DirectoryGroup,
  type DirectoryUser,
  type KnownDirectoryEventType,
} from './types.js';

/** Versions are stored as signed 64-bit integers (nanoseconds): the latest is in April 2262. */
const MAX_VERSION = 2n ** 63n - 1n;

/**
 * Deepest nesting accepted. Real payloads nest a handful of levels; a deeper one (still small enough
 * for the body limit) would overflow the stack of whatever serializes it later, an adapter or the
 * inbox, and fail on every redelivery.
 */
const MAX_DEPTH = 64;

const KNOWN_TYPES: ReadonlySet<string> = new Set(DIRECTORY_EVENT_TYPES);

export function isKnownDirectoryEventType(type: string): type is KnownDirectoryEventType {
  return KNOWN_TYPES.has(type);
}

function invalid(message: string): ScimError {
  return new ScimError('INVALID_PAYLOAD', message, { status: 400 });
}

/** Issue paths and messages only: payload values never reach an error message. */
function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[prefix, ...issue.path.map(String)].filter(Boolean).join('.')}: ${issue.message}`)
    .join('; ');
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(`Invalid ${where}: ${describeIssues(result.error, where)}`);
  return result.data;
}

function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/**
 * Built as one object literal so that every user has the same shape (fields not given are present
 * as `undefined`): V8 then copies and reads users on its fast paths.
 */
export function normalizeUser(data: RawUserData, organizationId: string): DirectoryUser {
  return {
    id: data.id,
    organizationId,
    externalId: data.dp_id,
    email: data.email,
    emails:
      data.emails !== undefined
        ? (data.emails ?? [])
        : typeof data.email === 'string' && data.email !== ''
          ? [data.email]
          : undefined,
    givenName: data.given_name,
    familyName: data.family_name,
    displayName: data.name,
    nickname: data.nickname,
    username: data.preferred_username,
    active: data.active ?? undefined,
    groups:
      data.groups === undefined
        ? undefined
        : (data.groups ?? []).map((g) => ({ id: g.id, displayName: g.name ?? g.display_name ?? null })),
    roles: data.roles === undefined ? undefined : (data.roles ?? []).map((r) => r.role_name),
    title: data.title,
    department: data.department,
    division: data.division,
    costCenter: data.cost_center,
    employeeId: data.employee_id,
    userType: data.user_type,
    phoneNumber: data.phone_number,
    locale: data.locale,
    language: data.language,
    zoneinfo: data.zoneinfo,
    picture: data.picture,
    profile: data.profile,
    address: data.address,
    customAttributes: data.custom_attributes === undefined ? undefined : (data.custom_attributes ?? {}),
    rawAttributes: data.raw_attributes === undefined ? undefined : (data.raw_attributes ?? {}),
  };
}

function normalizeGroup(data: RawGroupData, organizationId: string): DirectoryGroup {
  const group: DirectoryGroup = { id: data.id, organizationId };
  put(group, 'directoryId', data.directory_id);
  put(group, 'displayName', data.display_name);
  put(group, 'externalId', data.external_id);
  if (data.raw_attributes !== undefined) group.rawAttributes = data.raw_attributes ?? {};
  return group;
}

/**
 * The event type says whether the directory is enabled: Scalekit's own documented example of a
 * `directory_enabled` payload carries `enabled: false`, so `data.enabled` is not trusted for it.
 */
function normalizeDirectory(data: RawDirectoryData, organizationId: string, enabledByType: boolean): Directory {
  const directory: Directory = { id: data.id, organizationId, enabled: enabledByType };
  put(directory, 'provider', data.provider);
  put(directory, 'directoryType', data.directory_type);
  put(directory, 'status', data.status);
  put(directory, 'updatedAt', data.updated_at);
  put(directory, 'lastSyncAt', data.last_sync_at);
  return directory;
}

function resolveOrganization(envelopeOrg: string | null | undefined, dataOrg: string | undefined): string {
  const org = envelopeOrg ?? dataOrg;
  if (org === undefined || org === null) throw invalid('Invalid event: organization_id is missing');
  if (envelopeOrg != null && dataOrg !== undefined && envelopeOrg !== dataOrg) {
    throw invalid('Invalid event: data.organization_id does not match the event organization_id');
  }
  return org;
}

/** Whether objects or arrays nest deeper than `limit`, walked without recursion so any input is safe. */
function nestsDeeperThan(root: object, limit: number): boolean {
  const stack: [object, number][] = [[root, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, depth] = next;
    if (depth > limit) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function dataObject(data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalid('Invalid data: must be a JSON object');
  }
  return data as Record<string, unknown>;
}

/**
 * Validates a raw Scalekit directory event (the parsed JSON body of a delivery) and returns the
 * typed, normalized event. Unknown fields are ignored; an unknown `type` gives an `unknown` event.
 *
 * @throws ScimError with code `INVALID_PAYLOAD` when the payload does not have the expected shape.
 */
export function parseDirectoryEvent(input: unknown): DirectoryEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('Invalid event: must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  if (nestsDeeperThan(raw, MAX_DEPTH)) throw invalid(`Invalid event: nested deeper than ${MAX_DEPTH} levels`);
  const envelope = parseWith(envelopeSchema, raw, 'event');
  const version = rfc3339ToNanos(envelope.occurred_at);
  if (version === null || version < 0n || version > MAX_VERSION) {
    throw invalid('Invalid event.occurred_at: must be an RFC 3339 timestamp from 1970 to 2262');
  }

  const base = (organizationId: string): DirectoryEventBase => {
    const event: DirectoryEventBase = {
      id: envelope.id,
      organizationId,
      occurredAtRaw: envelope.occurred_at,
      occurredAt: new Date(Number(version / 1_000_000n)),
      version,
      raw,
    };
    if (envelope.environment_id != null) event.environmentId = envelope.environment_id;
    return event;
  };

  const type = envelope.type;
  switch (type) {
    case 'organization.directory.user_created':
    case 'organization.directory.user_updated': {
      const data = parseWith(userDataSchema, dataObject(envelope.data), 'data');
      const org = resolveOrganization(envelope.organization_id, data.organization_id);
      return { ...base(org), type, data: normalizeUser(data, org) };
    }
    case 'organization.directory.user_deleted': {
      const data = parseWith(deletedUserDataSchema, dataObject(envelope.data), 'data');
      const org = resolveOrganization(envelope.organization_id, data.organization_id);
      const user: DeletedDirectoryUser = { id: data.id, organizationId: org };
      put(user, 'externalId', data.dp_id);
      put(user, 'email', data.email);
      return { ...base(org), type, data: user };
    }
    case 'organization.directory.group_created':
    case 'organization.directory.group_updated':
    case 'organization.directory.group_deleted': {
      const data = parseWith(groupDataSchema, dataObject(envelope.data), 'data');
      const org = resolveOrganization(envelope.organization_id, data.organization_id);
      return { ...base(org), type, data: normalizeGroup(data, org) };
    }
    case 'organization.directory_enabled':
    case 'organization.directory_disabled': {
      const data = parseWith(directoryDataSchema, dataObject(envelope.data), 'data');
      const org = resolveOrganization(envelope.organization_id, data.organization_id);
      const enabled = type === 'organization.directory_enabled';
      return { ...base(org), type, data: normalizeDirectory(data, org, enabled) };
    }
    default: {
      const dataOrg =
        typeof envelope.data === 'object' && envelope.data !== null
          ? (envelope.data as { organization_id?: unknown }).organization_id
          : undefined;
      const org = envelope.organization_id ?? (typeof dataOrg === 'string' ? dataOrg : undefined);
      if (org === undefined) throw invalid('Invalid event: organization_id is missing');
      return { ...base(org), type: 'unknown', rawType: type, data: envelope.data };
    }
  }
}

/** Parses the JSON text of a delivery, then validates it like `parseDirectoryEvent`. */
export function parseDirectoryEventJson(text: string): DirectoryEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the body, so it is not kept as the cause.
    throw invalid('Malformed JSON body');
  }
  return parseDirectoryEvent(value);
}
