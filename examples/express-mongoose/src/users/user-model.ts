import { type Connection, type Model, Schema, type Types } from 'mongoose';

/**
 * The app's own user, as it was before SCIM: people sign up or are invited, and the app keeps its own
 * fields (`plan`, the timestamps). The three `scim*` fields and their index were added for directory
 * sync: which organization and directory user a document belongs to, and its roles.
 */
export interface User {
  _id: Types.ObjectId;
  email: string | null;
  name: string | null;
  department: string | null;
  jobTitle: string | null;
  plan: string;
  isActive: boolean;
  roles: string[];
  scimOrganizationId: string | null;
  scimUserId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const userSchema = new Schema<User>(
  {
    email: { type: String, default: null },
    name: { type: String, default: null },
    department: { type: String, default: null },
    jobTitle: { type: String, default: null },
    plan: { type: String, required: true, default: 'team' },
    isActive: { type: Boolean, required: true, default: true },
    roles: { type: [String], default: [] },
    scimOrganizationId: { type: String, default: null },
    scimUserId: { type: String, default: null },
  },
  { timestamps: true, collection: 'users' },
);

// The key @scim upserts by. Partial, so that the app's own users (no directory id) never collide.
userSchema.index(
  { scimOrganizationId: 1, scimUserId: 1 },
  { unique: true, partialFilterExpression: { scimUserId: { $type: 'string' } } },
);

export type UserModel = Model<User>;

export function userModel(connection: Connection): UserModel {
  return (connection.models.User as UserModel | undefined) ?? connection.model<User>('User', userSchema);
}
