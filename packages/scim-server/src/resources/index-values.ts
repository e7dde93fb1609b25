import type { ScimResourceType } from '../schema/extensions.js';
import type { ScimIndexValues } from '../store/port.js';

type Json = Record<string, unknown>;

const lower = (value: unknown): string | null => (typeof value === 'string' ? value.toLowerCase() : null);

/** The values a store indexes, lower-cased where the schema says the attribute is case-insensitive. */
export function indexValues(type: ScimResourceType, attributes: Json): ScimIndexValues {
  const externalId = typeof attributes.externalId === 'string' ? attributes.externalId : null;
  if (type === 'Group') {
    return { userName: null, externalId, displayName: lower(attributes.displayName), emails: [], active: null };
  }
  const emails = Array.isArray(attributes.emails)
    ? [
        ...new Set(
          attributes.emails.flatMap((email) => {
            const value = lower((email as Json | null)?.value);
            return value === null ? [] : [value];
          }),
        ),
      ]
    : [];
  return {
    userName: lower(attributes.userName),
    externalId,
    displayName: lower(attributes.displayName),
    emails,
    active: attributes.active !== false,
  };
}
