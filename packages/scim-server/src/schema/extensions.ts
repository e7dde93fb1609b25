import { ScimError } from '@scim/core';
import { attribute, type ScimAttributeDefinition, type ScimSchemaDefinition } from './attribute.js';

export type ScimResourceType = 'User' | 'Group';

/** One attribute of an app-defined extension; the RFC 7643 characteristics default as for the core schemas. */
export interface ScimExtensionAttribute extends Partial<Omit<ScimAttributeDefinition, 'name' | 'type'>> {
  name: string;
  type: ScimAttributeDefinition['type'];
  /**
   * Users: the key under which the value reaches the engine in `DirectoryUser.customAttributes`. Default: the
   * attribute's name. (Groups carry their extensions as sent, in `DirectoryGroup.rawAttributes`.)
   */
  customAttribute?: string;
}

/** A schema extension the app defines, e.g. `urn:example:params:scim:schemas:extension:acme:2.0:User`. */
export interface ScimExtension {
  /** The schema URN; the attributes sit under this key in the resource. */
  id: string;
  name?: string;
  description?: string;
  /** Default `'User'`. */
  resourceType?: ScimResourceType;
  /** Whether every resource of the type must carry it (published in `/ResourceTypes`). Default false. */
  required?: boolean;
  attributes: ScimExtensionAttribute[];
}

export interface ResolvedExtension {
  schema: ScimSchemaDefinition;
  required: boolean;
  /** Attribute name -> key in the engine's custom attributes. */
  customAttributes: Map<string, string>;
}

const URN = /^urn:[a-z0-9][a-z0-9-]{0,31}:[^\s]+$/i;

export function resolveExtension(extension: ScimExtension, reserved: readonly string[]): ResolvedExtension {
  if (typeof extension?.id !== 'string' || !URN.test(extension.id)) {
    throw new ScimError('CONFIGURATION_ERROR', 'A SCIM extension needs an `id` that is a URN');
  }
  if (reserved.some((id) => id.toLowerCase() === extension.id.toLowerCase())) {
    throw new ScimError('CONFIGURATION_ERROR', `The SCIM extension ${extension.id} is defined twice`);
  }
  if (!Array.isArray(extension.attributes) || extension.attributes.length === 0) {
    throw new ScimError('CONFIGURATION_ERROR', `The SCIM extension ${extension.id} needs at least one attribute`);
  }
  const customAttributes = new Map<string, string>();
  const attributes = extension.attributes.map(({ name, type, customAttribute, ...rest }) => {
    if (typeof name !== 'string' || !/^[A-Za-z][\w$-]*$/.test(name)) {
      throw new ScimError('CONFIGURATION_ERROR', `The SCIM extension ${extension.id} has an invalid attribute name`);
    }
    if (customAttributes.has(name)) {
      throw new ScimError('CONFIGURATION_ERROR', `The SCIM extension ${extension.id} defines ${name} twice`);
    }
    customAttributes.set(name, customAttribute ?? name);
    return attribute(name, type, rest);
  });
  return {
    schema: {
      id: extension.id,
      name: extension.name ?? extension.id.slice(extension.id.lastIndexOf(':') + 1),
      description: extension.description ?? '',
      attributes,
    },
    required: extension.required ?? false,
    customAttributes,
  };
}
