import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { MongooseUserMapping } from '../src/index.js';

/** The app's own user model, as an existing app would have it, with fields the SDK must never touch. */
export interface AppUser {
  email?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  username?: string | null;
  isActive: boolean;
  roles: string[];
  /** App-owned: set by the app, never by the adapter. */
  plan: string;
  scimOrganizationId?: string | null;
  scimUserId?: string | null;
  createdAt?: Date;
  updatedAt?: Date;
}

export const appUserSchema = new Schema<AppUser>(
  {
    email: { type: String },
    givenName: String,
    familyName: String,
    displayName: String,
    username: String,
    isActive: { type: Boolean, default: true },
    roles: { type: [String], default: [] },
    plan: { type: String, default: 'free' },
    scimOrganizationId: String,
    scimUserId: String,
  },
  { timestamps: true, collection: 'app_users' },
);
// The key the adapter upserts by; partial, so that users the directory did not provision don't collide.
appUserSchema.index(
  { scimOrganizationId: 1, scimUserId: 1 },
  { unique: true, partialFilterExpression: { scimUserId: { $type: 'string' } } },
);

export function appUserModel(connection: Connection): Model<AppUser> {
  return (
    (connection.models.AppUser as Model<AppUser> | undefined) ?? connection.model<AppUser>('AppUser', appUserSchema)
  );
}

export function appUserMapping(model: Model<AppUser>): MongooseUserMapping<AppUser> {
  return {
    model,
    organizationId: 'scimOrganizationId',
    userId: 'scimUserId',
    fields: (user) => ({
      email: user.email,
      givenName: user.givenName,
      familyName: user.familyName,
      displayName: user.displayName,
      username: user.username,
    }),
    active: 'isActive',
    roles: 'roles',
    email: 'email',
  };
}
