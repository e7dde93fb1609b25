import type { ScimAttributeDefinition } from '../schema/attribute.js';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** An attribute a filter names, resolved against the schemas, relative to where the filter applies. */
export interface AttributeRef {
  /** Canonical dotted name relative to the scope (`userName`, `emails.value`, `urn:...:User:department`). */
  name: string;
  /** The keys to walk in the scope's object. */
  keys: string[];
  /** The definition the path ends at. */
  leaf: ScimAttributeDefinition;
}

export type CompareValue = string | number | boolean | null;

/** A parsed filter, with canonical attribute names and decoded literals. */
export type FilterNode =
  | { kind: 'and' | 'or'; filters: FilterNode[] }
  | { kind: 'not'; filter: FilterNode }
  | { kind: 'compare'; op: CompareOperator; path: AttributeRef; value: CompareValue }
  | { kind: 'present'; path: AttributeRef }
  /** `emails[type eq "work"]`: some element of the multi-valued `path` matches `filter` (relative to it). */
  | { kind: 'valuePath'; path: AttributeRef; filter: FilterNode };
