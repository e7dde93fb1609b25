import type { UserWrite } from '../adapter/records.js';
import type { DirectoryEvent } from '../events/types.js';
import type { WriteSource } from './types.js';

/**
 * A user as the app's functions receive it: the directory's fields (`undefined`: not given, leave as it
 * is; `null`: cleared), whether the user is active, its roles (directory roles plus mapped ones; absent
 * when the change said nothing about roles or groups), and the change's version.
 */
export type ProvisionedUser = UserWrite;

/** The id of a user in the app's own users table: a number or a string, given back as text. */
export type AppUserId = string | number;

/** What the app's user functions are told about each call. */
export interface ProvisionContext<Tx = unknown> {
  organizationId: string;
  /** The directory's id of the user (`diruser_...`). */
  directoryUserId: string;
  source: WriteSource;
  /** The webhook event being applied (absent in a sync). */
  event?: DirectoryEvent;
  /**
   * The transaction the SDK is writing in, as the app's ORM knows it (Prisma's transaction client,
   * Drizzle's `tx`, Mongoose's session): what the function writes through it commits or rolls back with
   * the inbox claim and the version record.
   */
  tx: Tx;
}

/**
 * The app's own user functions: the directory's changes go through them, so their side effects (audit
 * rows, memberships of the app, welcome mails queued in the same transaction) happen as for any user the
 * app creates itself. The SDK keeps which app user each directory user is (an identity link); the app's
 * tables need no column of the SDK's.
 *
 * Throw a `UserRejection` to refuse a user for good (it is recorded, acknowledged and replayable); any
 * other error is a failure the delivery is retried for.
 */
export interface UserService<Tx = unknown> {
  /** Creates the app user; resolves its id (the primary key of the app's users table). */
  create(user: ProvisionedUser, ctx: ProvisionContext<Tx>): Promise<AppUserId>;
  /** Applies a directory change to the app user: only the fields given (not `undefined`). */
  update(appUserId: string, user: ProvisionedUser, ctx: ProvisionContext<Tx>): Promise<void>;
  /**
   * Takes the user's access in this organization away (the `deprovision` policy said `'deactivate'`, or
   * `'delete'` without `remove`). With one person in several organizations, the app decides what that
   * means: end this organization's membership, deactivate the user when none remains.
   */
  deactivate(appUserId: string, ctx: ProvisionContext<Tx>): Promise<void>;
  /** Gives access back after a deactivation. Without it, `update` is called with `user.active: true`. */
  reactivate?(appUserId: string, user: ProvisionedUser, ctx: ProvisionContext<Tx>): Promise<void>;
  /** Deletes the user (policy `'delete'`). Without it, `deactivate` is called instead. */
  remove?(appUserId: string, ctx: ProvisionContext<Tx>): Promise<void>;
  /**
   * Account linking: the app user a directory user seen for the first time already is, or null to create
   * one. This is a security boundary: answer only users this organization may take over (the email's
   * domain is verified for it, or the user is already a member of it), never a user of another
   * organization or of nobody on the strength of an email alone. The SDK refuses an answer that is
   * already linked to another directory user of the same organization.
   */
  findExisting?(user: ProvisionedUser, ctx: ProvisionContext<Tx>): Promise<AppUserId | null | undefined>;
}

/** Whether table-mode account linking may give a directory user an existing row with the same email. */
export interface LinkByEmailContext {
  organizationId: string;
  directoryUserId: string;
  /** The email as the directory sent it; rows are matched without regard to case. */
  email: string;
  user: ProvisionedUser;
  source: WriteSource;
}
