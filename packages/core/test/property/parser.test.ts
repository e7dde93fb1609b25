import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDirectoryEvent, parseDirectoryEventJson } from '../../src/events/parse.js';
import type { DirectoryUser } from '../../src/events/types.js';
import {
  DATA_FIELDS,
  dataKindOf,
  deepJson,
  ENVELOPE_FIELDS,
  MARKER,
  MAX_VERSION,
  POLLUTION_KEYS,
  type RawEvent,
  validEventArb,
  wrongValuesFor,
} from './arbitraries.js';
import { expectNoPollution, parseOutcome, prototypeKeys } from './outcome.js';

const RUNS = { numRuns: 300 };
const DEEP = `${MARKER}deep`;

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('parser properties', () => {
  it('any JavaScript value gives a typed event or INVALID_PAYLOAD', () => {
    const before = prototypeKeys();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withObjectString: true, withNullPrototype: true, withBigInt: true, withDate: true }),
          fc.jsonValue(),
          validEventArb.chain(({ payload }) =>
            fc
              .record({ key: fc.constantFrom(...Object.keys(payload)), value: fc.anything() })
              .map(({ key, value }) => ({
                ...payload,
                [key]: value,
              })),
          ),
        ),
        (input) => {
          parseOutcome(() => parseDirectoryEvent(input));
        },
      ),
      RUNS,
    );
    expectNoPollution(before);
  });

  it('any text gives a typed event or INVALID_PAYLOAD', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.json(),
          // Valid deliveries cut short or with a byte replaced: the malformed JSON a proxy could hand over.
          fc.tuple(validEventArb, fc.nat(), fc.string({ maxLength: 2 })).map(([{ payload }, at, replacement]) => {
            const text = JSON.stringify(payload);
            const i = at % text.length;
            return text.slice(0, i) + replacement + text.slice(i + 1);
          }),
        ),
        (text) => {
          parseOutcome(() => parseDirectoryEventJson(text));
        },
      ),
      RUNS,
    );
  });

  it('valid payloads always parse and round-trip their ids and versions', () => {
    fc.assert(
      fc.property(validEventArb, ({ payload, version }) => {
        const outcome = parseOutcome(() => parseDirectoryEventJson(JSON.stringify(payload)));
        if (!outcome.ok) throw outcome.error;
        const event = outcome.event;
        expect(event.id).toBe(payload.id);
        expect(event.version).toBe(version);
        expect(event.occurredAtRaw).toBe(payload.occurred_at);
        expect(event.occurredAt.getTime()).toBe(Number(version / 1_000_000n));
        expect(event.organizationId).toBe(payload.organization_id);
        expect(event.raw).toEqual(clone(payload));
        const kind = dataKindOf(payload.type);
        if (kind === null) {
          expect(event.type).toBe('unknown');
          if (event.type === 'unknown') expect(event.rawType).toBe(payload.type);
          return;
        }
        expect(event.type).toBe(payload.type);
        const data = payload.data as Record<string, unknown>;
        const parsed = event.data as { id: string; organizationId: string };
        expect(parsed.id).toBe(data.id);
        expect(parsed.organizationId).toBe(payload.organization_id);
        if (kind === 'user') expectUserRoundTrip(event.data as DirectoryUser, data);
        if (event.type === 'organization.directory_enabled' || event.type === 'organization.directory_disabled') {
          expect(event.data.enabled).toBe(payload.type === 'organization.directory_enabled');
        }
      }),
      RUNS,
    );
  });

  it('a wrong type in any field is INVALID_PAYLOAD naming the field, never quoting the value', () => {
    const fieldArb = validEventArb
      .filter(({ payload }) => dataKindOf(payload.type) !== null)
      .chain(({ payload }) => {
        const dataFields = DATA_FIELDS[dataKindOf(payload.type)!];
        return fc.oneof(
          fc
            .constantFrom(...Object.keys(ENVELOPE_FIELDS))
            .chain((field) =>
              wrongValuesFor(ENVELOPE_FIELDS[field]!).map((value) => ({ payload, where: 'event', field, value })),
            ),
          fc
            .constantFrom(...Object.keys(dataFields))
            .chain((field) =>
              wrongValuesFor(dataFields[field]!).map((value) => ({ payload, where: 'data', field, value })),
            ),
        );
      });
    fc.assert(
      fc.property(fieldArb, ({ payload, where, field, value }) => {
        const mutated = clone(payload) as unknown as Record<string, unknown>;
        if (where === 'event') mutated[field] = value;
        else (mutated.data as Record<string, unknown>)[field] = value;
        const outcome = parseOutcome(() => parseDirectoryEvent(mutated));
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.error.message).toContain(field);
      }),
      RUNS,
    );
  });

  it('a missing required field is INVALID_PAYLOAD', () => {
    const arb = validEventArb.chain(({ payload }) =>
      fc.constantFrom('id', 'type', 'occurred_at', 'data.id').map((field) => ({ payload, field })),
    );
    fc.assert(
      fc.property(arb, ({ payload, field }) => {
        const mutated = clone(payload) as unknown as Record<string, unknown>;
        if (field === 'data.id') {
          // An unknown type's data is opaque: it has no required field.
          if (dataKindOf(payload.type) === null) return;
          delete (mutated.data as Record<string, unknown>).id;
        } else delete mutated[field];
        expect(parseOutcome(() => parseDirectoryEvent(mutated)).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('prototype-pollution keys anywhere in the JSON stay plain data', () => {
    const before = prototypeKeys();
    const hostile = (key: string) =>
      JSON.parse(`{"${key}": {"polluted": "${MARKER}", "prototype": {"isAdmin": true}}}`);
    const arb = fc.record({
      event: validEventArb,
      key: fc.constantFrom(...POLLUTION_KEYS),
      where: fc.constantFrom('envelope', 'data', 'custom_attributes', 'raw_attributes', 'group', 'address'),
    });
    fc.assert(
      fc.property(arb, ({ event, key, where }) => {
        const payload = clone(event.payload) as unknown as Record<string, unknown>;
        const bad = hostile(key);
        const data = (typeof payload.data === 'object' && payload.data !== null ? payload.data : {}) as Record<
          string,
          unknown
        >;
        payload.data = data;
        if (where === 'envelope') Object.assign(payload, { nested: bad }, bad);
        else if (where === 'data') Object.defineProperty(data, key, { value: bad[key], enumerable: true });
        else if (where === 'group') data.groups = [{ id: 'dirgroup_1', ...bad }, bad];
        else data[where] = bad;
        // Serialize and parse back: JSON text is what arrives, and there `__proto__` is an ordinary key.
        const text = JSON.stringify(payload).replace('"nested":', `"${key}":`);
        const outcome = parseOutcome(() => parseDirectoryEventJson(text));
        if (outcome.ok) {
          const parsed = outcome.event.data;
          if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
            expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
            expect((parsed as Record<string, unknown>).polluted).toBeUndefined();
          }
        }
        expectNoPollution(before);
      }),
      RUNS,
    );
    expectNoPollution(before);
  });

  it('deep nesting anywhere gives a typed event or INVALID_PAYLOAD, never a stack overflow', () => {
    const arb = fc.record({
      event: validEventArb,
      depth: fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 200_000 })),
      where: fc.constantFrom('unknown-field', 'data', 'custom_attributes', 'raw_attributes', 'address', 'groups'),
    });
    fc.assert(
      fc.property(arb, ({ event, depth, where }) => {
        const payload = clone(event.payload) as unknown as Record<string, unknown>;
        const place = (value: unknown) => {
          if (where === 'unknown-field') payload.extension = value;
          else if (where === 'data') payload.data = { nested: value };
          else if (typeof payload.data === 'object' && payload.data !== null && !Array.isArray(payload.data)) {
            (payload.data as Record<string, unknown>)[where] =
              where === 'groups' ? [{ id: 'dirgroup_1', deep: value }] : value;
          }
        };
        // The deep part is spliced in as text: serializing it would overflow the test's own stack.
        place(DEEP);
        const text = JSON.stringify(payload).replace(`"${DEEP}"`, `${'['.repeat(depth)}${']'.repeat(depth)}`);
        parseOutcome(() => parseDirectoryEventJson(text));
        place(deepJson(depth));
        parseOutcome(() => parseDirectoryEvent(payload));
      }),
      { numRuns: 60 },
    );
  });

  it('huge strings in any field are handled without echoing them', () => {
    const huge = `${MARKER}${'\u00e9'.repeat(300_000)}`;
    const arb = validEventArb.chain(({ payload }) => {
      const kind = dataKindOf(payload.type);
      const fields = kind === null ? [] : Object.keys(DATA_FIELDS[kind]).map((f) => `data.${f}`);
      return fc
        .constantFrom(...Object.keys(ENVELOPE_FIELDS), 'unknown', ...fields)
        .map((field) => ({ payload, field }));
    });
    fc.assert(
      fc.property(arb, ({ payload, field }) => {
        const mutated = clone(payload) as unknown as Record<string, unknown>;
        if (field.startsWith('data.')) (mutated.data as Record<string, unknown>)[field.slice(5)] = huge;
        else mutated[field] = huge;
        parseOutcome(() => parseDirectoryEventJson(JSON.stringify(mutated)));
      }),
      { numRuns: 60 },
    );
  });

  it('never accepts an event whose version an adapter cannot store (outside 0 .. 2^63-1)', () => {
    const arb = fc.record({
      event: validEventArb,
      year: fc.integer({ min: 0, max: 9999 }),
      rest: fc.constantFrom('-01-01T00:00:00Z', '-06-15T12:30:00.5+02:00', '-12-31T23:59:59.999999999Z'),
    });
    fc.assert(
      fc.property(arb, ({ event, year, rest }) => {
        const payload: RawEvent = { ...event.payload, occurred_at: `${String(year).padStart(4, '0')}${rest}` };
        const outcome = parseOutcome(() => parseDirectoryEvent(payload));
        if (outcome.ok) {
          expect(outcome.event.version).toBeGreaterThanOrEqual(0n);
          expect(outcome.event.version).toBeLessThanOrEqual(MAX_VERSION);
        }
      }),
      RUNS,
    );
  });
});

function expectUserRoundTrip(user: DirectoryUser, data: Record<string, unknown>): void {
  const same = (raw: string, value: unknown) => {
    if (raw in data) expect(value).toEqual(data[raw]);
    else expect(value).toBeUndefined();
  };
  same('email', user.email);
  same('name', user.displayName);
  same('given_name', user.givenName);
  same('department', user.department);
  same('dp_id', user.externalId);
  if (data.groups === undefined) expect(user.groups).toBeUndefined();
  else {
    const refs = (data.groups ?? []) as { id: string }[];
    expect(user.groups?.map((g) => g.id)).toEqual(refs.map((g) => g.id));
  }
  if (data.roles === undefined) expect(user.roles).toBeUndefined();
  else expect(user.roles).toEqual(((data.roles ?? []) as { role_name: string }[]).map((r) => r.role_name));
  if (typeof data.active === 'boolean') expect(user.active).toBe(data.active);
  else if (typeof data.active === 'string') expect(user.active).toBe(data.active.trim().toLowerCase() === 'true');
  else expect(user.active).toBeUndefined();
}
