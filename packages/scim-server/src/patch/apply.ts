import { ScimError as ScimPatchError, type ScimPatchOperation, type ScimResource, scimPatch } from 'scim-patch';
import { badRequest, type ScimType } from '../http/errors.js';
import type { AttributeOperation } from './normalize.js';

type Json = Record<string, unknown>;

const PATCH_SCIM_TYPES = new Set<string>(['invalidSyntax', 'noTarget', 'invalidPath', 'invalidValue', 'mutability']);

/**
 * Applies canonical operations with `scim-patch`, on a copy: the stored attributes are never touched, so a
 * failing operation leaves nothing half-applied (PATCH is all or nothing). `treatMissingAsAdd` gives RFC 7644's
 * "a replace of a value that is not there adds it", which Entra ID's `emails[type eq "work"].value` needs.
 */
export function applyOperations(attributes: Json, operations: readonly AttributeOperation[]): Json {
  const copy = structuredClone(attributes);
  // scim-patch requires the `schemas` and `meta` of a full resource; neither is part of what we store.
  const resource = { ...copy, schemas: [], meta: {} } as unknown as ScimResource;
  for (const operation of operations) {
    if (operation.op === 'removeExtension') {
      delete (resource as unknown as Json)[operation.id];
      continue;
    }
    try {
      scimPatch(resource, [operation as ScimPatchOperation], { mutateDocument: true, treatMissingAsAdd: true });
    } catch (error) {
      if (error instanceof ScimPatchError) {
        const scimType = (PATCH_SCIM_TYPES.has(error.scimCode ?? '') ? error.scimCode : 'invalidSyntax') as ScimType;
        throw badRequest(scimType, `The operation on ${operation.path} cannot be applied`, error);
      }
      throw error;
    }
  }
  const { schemas: _schemas, meta: _meta, ...result } = resource as unknown as Json;
  return result;
}
