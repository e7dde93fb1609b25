import { z } from 'zod';

/**
 * Zod schemas for the raw (snake_case) Scalekit payloads. They accept unknown fields and missing
 * optional ones; they reject values of the wrong type. The outputs are mapped onto the normalized
 * types of `types.ts` by `parse.ts`.
 */

// Ids are opaque to us, but bounded: they become primary keys in the app's database.
const id = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const text = z.string().max(4096).nullish();

const jsonObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be a JSON object',
);

/** `active` arrives as a boolean, or from some providers as the strings "True"/"False". */
const activeFlag = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const lowered = value.trim().toLowerCase();
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  ctx.addIssue({ code: 'custom', message: 'must be true or false' });
  return z.NEVER;
});

const groupRef = z.object({
  id,
  name: text,
  display_name: text,
});

const roleRef = z.object({ role_name: z.string().min(1).max(255) });

export const userDataSchema = z.object({
  id,
  organization_id: id.optional(),
  dp_id: text,
  email: text,
  emails: z.array(z.string().max(4096)).max(1000).nullish(),
  preferred_username: text,
  name: text,
  given_name: text,
  family_name: text,
  nickname: text,
  active: activeFlag.nullish(),
  // A Go nil slice serializes as null: null means "no groups", absent means "not given".
  groups: z.array(groupRef).max(10_000).nullish(),
  roles: z.array(roleRef).max(1000).nullish(),
  title: text,
  department: text,
  division: text,
  cost_center: text,
  employee_id: text,
  user_type: text,
  phone_number: text,
  locale: text,
  language: text,
  zoneinfo: text,
  picture: text,
  profile: text,
  address: z.unknown().optional(),
  custom_attributes: jsonObject.nullish(),
  raw_attributes: jsonObject.nullish(),
});

export const deletedUserDataSchema = z.object({
  id,
  organization_id: id.optional(),
  dp_id: text,
  email: text,
});

export const groupDataSchema = z.object({
  id,
  organization_id: id.optional(),
  directory_id: id.nullish(),
  display_name: text,
  external_id: text,
  dp_id: text,
  raw_attributes: jsonObject.nullish(),
});

export const directoryDataSchema = z.object({
  id,
  organization_id: id.optional(),
  directory_type: text,
  provider: text,
  enabled: z.boolean().nullish(),
  status: text,
  updated_at: text,
  last_sync_at: text,
});

export const envelopeSchema = z.object({
  spec_version: z.string().max(32).optional(),
  id,
  type: z.string().min(1).max(255),
  occurred_at: z.string().max(64),
  environment_id: z.string().max(255).nullish(),
  organization_id: id.nullish(),
  object: z.string().max(255).nullish(),
  display_name: z.string().max(4096).nullish(),
  data: z.unknown(),
});

export type RawUserData = z.output<typeof userDataSchema>;
export type RawDeletedUserData = z.output<typeof deletedUserDataSchema>;
export type RawGroupData = z.output<typeof groupDataSchema>;
export type RawDirectoryData = z.output<typeof directoryDataSchema>;
