/**
 * Compile-only: the adapter's public types accept Mongoose 8's Connection and Model as well as
 * Mongoose 9's. `tsconfig.mongoose8.json` maps `mongoose` to the `mongoose8` alias (mongoose@8) for this
 * file and the sources it imports.
 */
import mongoose8 from 'mongoose';
import { mongooseAdapter } from '../../src/index.js';

interface LegacyUser {
  email?: string | null;
  active: boolean;
  roles: string[];
  tenant?: string;
  externalId?: string;
}

const connection = mongoose8.createConnection();
const User = connection.model<LegacyUser>(
  'LegacyUser',
  new mongoose8.Schema<LegacyUser>({
    email: String,
    active: Boolean,
    roles: [String],
    tenant: String,
    externalId: String,
  }),
);

export const adapter = mongooseAdapter(connection, {
  users: {
    model: User,
    organizationId: 'tenant',
    userId: 'externalId',
    fields: (user) => ({ email: user.email }),
    active: 'active',
    roles: 'roles',
  },
});

export const refused = mongooseAdapter(connection, {
  users: {
    model: User,
    // @ts-expect-error the organization id field must hold a string, not a boolean
    organizationId: 'active',
    userId: 'externalId',
    // @ts-expect-error the mapping returns fields of the user model only
    fields: (user) => ({ mail: user.email }),
    active: 'active',
  },
});
