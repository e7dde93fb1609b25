/**
 * Compile-only: the mapping is typed against the app's model (Mongoose 9 here; 8 in test/mongoose8), checked
 * by `tsc` with this repository's settings and with `exactOptionalPropertyTypes`
 * (tsconfig.exact-optional.json). Every `@ts-expect-error` is an error the types must catch.
 */
import { createScimEngine } from '@scim/core';
import mongoose, { type Model, Schema } from 'mongoose';
import { mongooseAdapter } from '../src/index.js';
import { type AppUser, appUserModel } from './app-user.js';

const User = appUserModel(mongoose.createConnection());
const keys = { model: User, organizationId: 'scimOrganizationId', userId: 'scimUserId' } as const;

export const typed = mongooseAdapter(User.db, {
  users: {
    ...keys,
    fields: (user) => ({ email: user.email, displayName: user.displayName, givenName: undefined }),
    active: (active) => ({ isActive: active }),
    roles: 'roles',
    email: 'email',
  },
});

export const notBoolean = mongooseAdapter(User.db, {
  users: {
    ...keys,
    fields: () => ({}),
    // @ts-expect-error `active` must name a boolean field
    active: 'email',
  },
});

export const rolesIntoString = mongooseAdapter(User.db, {
  users: {
    ...keys,
    fields: () => ({}),
    active: 'isActive',
    // @ts-expect-error `roles` must name a field that takes string[]; `plan` is a string
    roles: 'plan',
  },
});

export const unknownKey = mongooseAdapter(User.db, {
  users: {
    ...keys,
    // @ts-expect-error `mail` is not a field of the user
    fields: (user) => ({ email: user.email, mail: user.email }),
    active: 'isActive',
  },
});

export const unknownKeyFromActive = mongooseAdapter(User.db, {
  users: {
    ...keys,
    fields: () => ({}),
    // @ts-expect-error `deactivated` is not a field of the user
    active: (active: boolean) => ({ deactivated: !active }),
  },
});

export const emailNotString = mongooseAdapter(User.db, {
  users: {
    ...keys,
    fields: () => ({}),
    active: 'isActive',
    // @ts-expect-error the email field holds a string
    email: 'isActive',
  },
});

/** A model whose email and name are required: `null` does not fit them. */
interface StrictUser {
  email: string;
  name: string;
  nickname?: string;
  active: boolean;
  tenant?: string;
  externalId?: string;
}
const Strict: Model<StrictUser> = mongoose
  .createConnection()
  .model<StrictUser>('StrictUser', new Schema<StrictUser>({ email: { type: String, required: true } }));
const strictKeys = { model: Strict, organizationId: 'tenant', userId: 'externalId' } as const;

export const requiredGetsNull = mongooseAdapter(Strict.db, {
  users: {
    ...strictKeys,
    // @ts-expect-error `email` is required: the directory's `string | null` does not fit it
    fields: (user) => ({ email: user.email }),
    active: 'active',
  },
});

// A required field takes a value or `undefined`; an optional one may be cleared with null.
export const requiredHandled = mongooseAdapter(Strict.db, {
  users: {
    ...strictKeys,
    fields: (user) => ({
      email: user.email ?? undefined,
      nickname: user.nickname,
      name: user.displayName ?? 'Unknown',
    }),
    active: 'active',
  },
});

/**
 * The session option of an app's Mongoose call: none without a transaction. (Spread rather than
 * `{ session: ctx.tx }`, which Mongoose's own option types refuse under exactOptionalPropertyTypes.)
 */
const inSession = (tx: mongoose.ClientSession | undefined) => (tx === undefined ? {} : { session: tx });

// Service mode: the app's functions get the session (undefined on a standalone server) to pass on.
export const service = createScimEngine({
  adapter: mongooseAdapter(User.db),
  users: {
    async create(user, ctx) {
      const [created] = await User.create(
        [{ email: user.email ?? null, isActive: user.active, roles: [], plan: 'free' }],
        {
          ...inSession(ctx.tx),
        },
      );
      return String(created!._id);
    },
    async update(id, user, ctx) {
      await User.updateOne({ _id: id }, { $set: { isActive: user.active } }, inSession(ctx.tx));
    },
    async deactivate(id, ctx) {
      await User.updateOne({ _id: id }, { $set: { isActive: false } }, inSession(ctx.tx));
      // @ts-expect-error the session may be undefined (no transactions): it is passed on, not used directly
      await ctx.tx.commitTransaction();
    },
  },
});

export type { AppUser };
