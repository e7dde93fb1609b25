/** The attribute characteristics of RFC 7643 section 7, as `/Schemas` publishes them. */
export interface ScimAttributeDefinition {
  name: string;
  type: 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: ScimAttributeDefinition[];
  canonicalValues?: string[];
  referenceTypes?: string[];
}

export interface ScimSchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: ScimAttributeDefinition[];
}

type AttributeOptions = Partial<Omit<ScimAttributeDefinition, 'name' | 'type'>>;

/** An attribute with RFC 7643's defaults (single-valued, optional, case-insensitive, read-write, returned). */
export function attribute(
  name: string,
  type: ScimAttributeDefinition['type'],
  options: AttributeOptions = {},
): ScimAttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

/** The usual shape of a multi-valued complex attribute (`emails`, `phoneNumbers`, ...). */
export function multiValued(
  name: string,
  description: string,
  value: ScimAttributeDefinition,
  types: string[] | undefined,
  extra: ScimAttributeDefinition[] = [],
): ScimAttributeDefinition {
  const typeAttribute = attribute('type', 'string', types === undefined ? {} : { canonicalValues: types });
  return attribute(name, 'complex', {
    multiValued: true,
    description,
    subAttributes: [value, attribute('display', 'string'), typeAttribute, attribute('primary', 'boolean'), ...extra],
  });
}

export function findAttribute(
  attributes: readonly ScimAttributeDefinition[],
  name: string,
): ScimAttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return attributes.find((candidate) => candidate.name.toLowerCase() === lower);
}

/** A case-insensitive value in the schema's own spelling (`Work` -> `work`), so that exact matchers agree. */
export function canonicalSpelling(def: ScimAttributeDefinition, value: string): string {
  if (def.caseExact || def.canonicalValues === undefined) return value;
  const lower = value.toLowerCase();
  return def.canonicalValues.find((candidate) => candidate.toLowerCase() === lower) ?? value;
}
