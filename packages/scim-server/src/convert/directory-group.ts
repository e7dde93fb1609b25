import type { DirectoryGroup } from '@scim/core';

type Json = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A SCIM Group in the engine's terms (members travel as deltas beside it, never as a list). */
export function toDirectoryGroup(organizationId: string, id: string, attributes: Json): DirectoryGroup {
  return {
    id,
    organizationId,
    displayName: text(attributes.displayName),
    externalId: text(attributes.externalId),
    rawAttributes: attributes,
  };
}
