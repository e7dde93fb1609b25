/** Compile-only: the mapping is typed against the app's model (Mongoose 9 here; 8 in test/mongoose8). */
import mongoose from 'mongoose';
import { mongooseAdapter } from '../src/index.js';
import { appUserModel } from './app-user.js';

const User = appUserModel(mongoose.createConnection());

export const typed = mongooseAdapter(User.db, {
  users: {
    model: User,
    organizationId: 'scimOrganizationId',
    userId: 'scimUserId',
    fields: (user) => ({ email: user.email ?? undefined, displayName: user.displayName }),
    active: (active) => ({ isActive: active }),
    roles: 'roles',
  },
});

export const refused = mongooseAdapter(User.db, {
  users: {
    model: User,
    organizationId: 'scimOrganizationId',
    userId: 'scimUserId',
    fields: () => ({}),
    // @ts-expect-error `active` must name a boolean field
    active: 'email',
    // @ts-expect-error `roles` must name a string-array field
    roles: 'plan',
  },
});
