import fc from 'fast-check';
import { nanosToRfc3339 } from '../../src/events/timestamp.js';
import { DIRECTORY_EVENT_TYPES, type KnownDirectoryEventType } from '../../src/events/types.js';

/**
 * Arbitraries for raw Scalekit payloads (snake_case, as a webhook delivers them), modelled on the
 * fixture shapes of the conformance suite but written here: core cannot depend on the suite.
 */

/** Planted in hostile values; an error message or a log line containing it echoed the input. */
export const MARKER = 'Zq9MARKERx7';

/** The largest version an adapter can store: versions are kept as signed 64-bit integers. */
export const MAX_VERSION = 2n ** 63n - 1n;

const PRINTABLE = [...Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i))];

/** An id as Scalekit could send one: 1 to 40 printable ASCII characters without spaces. */
export const idArb = (prefix = ''): fc.Arbitrary<string> =>
  fc
    .string({ unit: fc.constantFrom(...PRINTABLE), minLength: 1, maxLength: 40 })
    .map((s) => `${prefix}${s}`.slice(0, 255));

export const textArb: fc.Arbitrary<string | null> = fc.option(fc.string({ maxLength: 30, unit: 'grapheme' }), {
  nil: null,
});

/** Optional fields: absent (undefined, dropped when serialized), or present. */
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

/** Nanoseconds since the epoch within what an adapter stores (int64), 1970 to 2262. */
export const versionArb: fc.Arbitrary<bigint> = fc.bigInt({ min: 0n, max: MAX_VERSION });

/** An RFC 3339 `occurred_at` and the version it stands for, in every spelling the parser accepts. */
export const occurredAtArb: fc.Arbitrary<{ text: string; version: bigint }> = fc
  .tuple(
    fc.bigInt({ min: 86_400n * 1_000_000_000n, max: MAX_VERSION - 86_400n * 1_000_000_000n }),
    fc.integer({ min: 0, max: 9 }),
    fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
    fc.boolean(),
  )
  .map(([nanos, digits, offsetMinutes, lower]) => {
    // Truncate to the fraction digits shown, then spell the same instant in another offset.
    const unit = 10n ** BigInt(9 - digits);
    const version = (nanos / unit) * unit;
    const canonical = nanosToRfc3339(version + BigInt(offsetMinutes) * 60_000_000_000n);
    const fraction = digits === 0 ? '' : `.${canonical.slice(20, 20 + digits)}`;
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    const zone =
      offsetMinutes === 0 && lower
        ? 'z'
        : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    const text = `${canonical.slice(0, 10)}${lower ? 't' : 'T'}${canonical.slice(11, 19)}${fraction}${zone}`;
    return { text, version };
  });

const activeArb = fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'true', ' FALSE '), fc.constant(null));

const groupRefArb = fc.record(
  { id: idArb('dirgroup_'), name: textArb, display_name: textArb },
  { requiredKeys: ['id'] },
);

/** Nested JSON that stays shallow: attribute bags as identity providers fill them. */
export const attributesArb: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 5 },
);

export interface RawUser {
  id: string;
  organization_id?: string;
  [field: string]: unknown;
}

export const userDataArb = (organizationId: string): fc.Arbitrary<RawUser> =>
  fc
    .record(
      {
        id: idArb('diruser_'),
        withOrg: fc.boolean(),
        dp_id: optional(textArb),
        email: optional(textArb),
        emails: optional(fc.option(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), { nil: null })),
        preferred_username: optional(textArb),
        name: optional(textArb),
        given_name: optional(textArb),
        family_name: optional(textArb),
        nickname: optional(textArb),
        active: optional(activeArb),
        groups: optional(fc.option(fc.array(groupRefArb, { maxLength: 4 }), { nil: null })),
        roles: optional(
          fc.option(fc.array(fc.record({ role_name: fc.string({ minLength: 1, maxLength: 20 }) }), { maxLength: 3 }), {
            nil: null,
          }),
        ),
        title: optional(textArb),
        department: optional(textArb),
        employee_id: optional(textArb),
        phone_number: optional(textArb),
        address: optional(fc.jsonValue({ maxDepth: 2 })),
        custom_attributes: optional(fc.option(attributesArb, { nil: null })),
        raw_attributes: optional(fc.option(attributesArb, { nil: null })),
      },
      { requiredKeys: ['id', 'withOrg'] },
    )
    .map(({ withOrg, ...data }) => dropUndefined({ ...data, ...(withOrg ? { organization_id: organizationId } : {}) }));

const deletedUserDataArb = (organizationId: string): fc.Arbitrary<RawUser> =>
  fc
    .record({ id: idArb('diruser_'), dp_id: optional(textArb), email: optional(textArb) }, { requiredKeys: ['id'] })
    .map((data) => dropUndefined({ ...data, organization_id: organizationId }));

const groupDataArb = (organizationId: string): fc.Arbitrary<RawUser> =>
  fc
    .record(
      {
        id: idArb('dirgroup_'),
        directory_id: optional(fc.option(idArb('dir_'), { nil: null })),
        display_name: optional(textArb),
        external_id: optional(textArb),
        dp_id: optional(textArb),
        raw_attributes: optional(fc.option(attributesArb, { nil: null })),
      },
      { requiredKeys: ['id'] },
    )
    .map((data) => dropUndefined({ ...data, organization_id: organizationId }));

const directoryDataArb = (organizationId: string): fc.Arbitrary<RawUser> =>
  fc
    .record(
      {
        id: idArb('dir_'),
        directory_type: optional(textArb),
        provider: optional(textArb),
        enabled: optional(fc.option(fc.boolean(), { nil: null })),
        status: optional(textArb),
        updated_at: optional(textArb),
        last_sync_at: optional(textArb),
      },
      { requiredKeys: ['id'] },
    )
    .map((data) => dropUndefined({ ...data, organization_id: organizationId }));

export interface RawEvent {
  spec_version?: string;
  id: string;
  type: string;
  occurred_at: string;
  environment_id?: string | null;
  organization_id?: string | null;
  object?: string;
  display_name?: string;
  data: unknown;
}

/** A valid raw event of any known type, or of a type this SDK does not know, and the version it carries. */
export const validEventArb: fc.Arbitrary<{ payload: RawEvent; version: bigint }> = fc
  .record({
    id: idArb('evt_'),
    organizationId: idArb('org_'),
    occurredAt: occurredAtArb,
    type: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom<string>(...DIRECTORY_EVENT_TYPES) },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 60 }) },
    ),
    environmentId: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
  })
  .chain(({ id, organizationId, occurredAt, type, environmentId }) =>
    dataArbFor(type, organizationId).map((data) => ({
      payload: {
        spec_version: '1',
        id,
        type,
        occurred_at: occurredAt.text,
        environment_id: environmentId,
        organization_id: organizationId,
        object: 'DirectoryUser',
        display_name: 'Directory event',
        data,
      },
      version: occurredAt.version,
    })),
  );

function dataArbFor(type: string, organizationId: string): fc.Arbitrary<unknown> {
  switch (type as KnownDirectoryEventType) {
    case 'organization.directory.user_created':
    case 'organization.directory.user_updated':
      return userDataArb(organizationId);
    case 'organization.directory.user_deleted':
      return deletedUserDataArb(organizationId);
    case 'organization.directory.group_created':
    case 'organization.directory.group_updated':
    case 'organization.directory.group_deleted':
      return groupDataArb(organizationId);
    case 'organization.directory_enabled':
    case 'organization.directory_disabled':
      return directoryDataArb(organizationId);
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}

export function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** What a field accepts, so that a wrong value can be chosen for it. */
export type FieldKind =
  | 'id'
  | 'nullable-id'
  | 'text'
  | 'active'
  | 'boolean'
  | 'groups'
  | 'roles'
  | 'emails'
  | 'object'
  | 'timestamp'
  | 'type'
  | 'short-text';

export const ENVELOPE_FIELDS: Record<string, FieldKind> = {
  id: 'id',
  type: 'type',
  occurred_at: 'timestamp',
  organization_id: 'nullable-id',
  spec_version: 'short-text',
  environment_id: 'text',
  object: 'text',
  display_name: 'text',
};

const USER_TEXT = [
  'dp_id',
  'email',
  'preferred_username',
  'name',
  'given_name',
  'family_name',
  'nickname',
  'title',
  'department',
  'division',
  'cost_center',
  'employee_id',
  'user_type',
  'phone_number',
  'locale',
  'language',
  'zoneinfo',
  'picture',
  'profile',
];

export const DATA_FIELDS: Record<'user' | 'deleted' | 'group' | 'directory', Record<string, FieldKind>> = {
  user: {
    id: 'id',
    organization_id: 'id',
    ...Object.fromEntries(USER_TEXT.map((f) => [f, 'text' as const])),
    active: 'active',
    groups: 'groups',
    roles: 'roles',
    emails: 'emails',
    custom_attributes: 'object',
    raw_attributes: 'object',
  },
  deleted: { id: 'id', organization_id: 'id', dp_id: 'text', email: 'text' },
  group: {
    id: 'id',
    organization_id: 'id',
    directory_id: 'nullable-id',
    display_name: 'text',
    external_id: 'text',
    dp_id: 'text',
    raw_attributes: 'object',
  },
  directory: {
    id: 'id',
    organization_id: 'id',
    directory_type: 'text',
    provider: 'text',
    enabled: 'boolean',
    status: 'text',
    updated_at: 'text',
    last_sync_at: 'text',
  },
};

export function dataKindOf(type: string): keyof typeof DATA_FIELDS | null {
  if (type.endsWith('.user_created') || type.endsWith('.user_updated')) return 'user';
  if (type.endsWith('.user_deleted')) return 'deleted';
  if (type.includes('.directory.group_')) return 'group';
  if (type.endsWith('directory_enabled') || type.endsWith('directory_disabled')) return 'directory';
  return null;
}

const longText = (length: number) => `${MARKER}${'x'.repeat(length)}`;

/** Values of the wrong type (or out of bounds) for a field of each kind; strings carry the marker. */
export function wrongValuesFor(kind: FieldKind): fc.Arbitrary<unknown> {
  const notString = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant({ value: MARKER }),
    fc.constant([MARKER]),
    // Finite only: JSON writes NaN and the infinities as null, which a nullable field accepts.
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  switch (kind) {
    case 'id':
      return fc.oneof(
        notString,
        fc.constant(null),
        fc.constantFrom('', `has space ${MARKER}`, `${MARKER}\u00e9`, `${MARKER}\n`, longText(255)),
      );
    case 'nullable-id':
      return fc.oneof(notString, fc.constantFrom('', `has space ${MARKER}`, longText(255)));
    case 'text':
      return fc.oneof(notString, fc.constant(longText(4096)));
    case 'short-text':
      return fc.oneof(notString, fc.constant(null), fc.constant(longText(32)));
    case 'type':
      return fc.oneof(notString, fc.constant(null), fc.constantFrom('', longText(255)));
    case 'timestamp':
      return fc.oneof(
        notString,
        fc.constant(null),
        fc.constantFrom(
          MARKER,
          `2024-01-01T00:00:00Z${MARKER}`,
          '2024-13-01T00:00:00Z',
          '2024-02-30T10:00:00Z',
          '2024-01-01T24:00:00Z',
          '2024-01-01T00:00:00+24:00',
          '1969-12-31T23:59:59Z',
          '2024-01-01T00:00:00.1234567890Z',
          longText(64),
        ),
      );
    case 'active':
      return fc.oneof(fc.integer(), fc.constant({ value: MARKER }), fc.constant([true]), fc.constant(`${MARKER}yes`));
    case 'boolean':
      return fc.oneof(fc.integer(), fc.constant({ value: MARKER }), fc.constant(`${MARKER}true`), fc.constant('true'));
    case 'groups':
      return fc.oneof(
        notString.filter((v) => !Array.isArray(v)),
        fc.constant(MARKER),
        fc.constant([{ id: 5 }]),
        fc.constant([{ name: MARKER }]),
        fc.constant([{ id: `bad id ${MARKER}` }]),
        fc.constant([{ id: 'dirgroup_ok', name: { text: MARKER } }]),
        fc.constant([MARKER]),
      );
    case 'roles':
      return fc.oneof(
        fc.constant(MARKER),
        fc.constant([{}]),
        fc.constant([{ role_name: '' }]),
        fc.constant([{ role_name: 7 }]),
        fc.constant([{ role_name: longText(255) }]),
        fc.constant([MARKER]),
      );
    case 'emails':
      return fc.oneof(
        fc.constant(MARKER),
        fc.constant([5]),
        fc.constant([{ email: MARKER }]),
        fc.constant([longText(4096)]),
      );
    case 'object':
      return fc.oneof(fc.constant(MARKER), fc.integer(), fc.constant([MARKER]), fc.boolean());
  }
}

/** Keys that, mishandled, reach a prototype: as own keys of JSON text they must stay plain data. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Nested arrays and objects, `depth` levels deep, without recursion (for any depth). */
export function deepJson(depth: number, leaf: unknown = MARKER): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { nested: value };
  return value;
}
