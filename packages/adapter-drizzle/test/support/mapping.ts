import { UserRejection, type UserWrite } from '@scim/core';
import type { ActiveStyle } from './backdoor.js';

/** The directory fields the test apps keep, shaped as their users tables' columns. */
export const appFields = (user: UserWrite) => ({
  email: user.email,
  givenName: user.givenName,
  familyName: user.familyName,
  displayName: user.displayName,
  username: user.username,
});

/** The two ways an app says "inactive": a boolean column, or a function over its own columns. */
export function activeMapping(style: ActiveStyle) {
  return style === 'column'
    ? ('isActive' as const)
    : (active: boolean) => ({ deactivatedAt: active ? null : new Date() });
}

/**
 * The fields of the `strict_users` tables, whose email is NOT NULL: the directory's email as it is (a user
 * without one gets no email, which the database refuses), or with a placeholder for a missing one.
 */
export type StrictFields = (user: UserWrite) => { email: string | undefined; displayName: string | null | undefined };

export const strictFields =
  (placeholder: boolean): StrictFields =>
  (user) => ({
    email: user.email ?? (placeholder ? `${user.id}@users.invalid` : undefined),
    displayName: user.displayName,
  });

/** The fields of `strict_users` for an app that refuses a user without an email outright. */
export const refusingFields: StrictFields = (user) => {
  if (user.email == null) throw new UserRejection('the app takes no user without an email');
  return { email: user.email, displayName: user.displayName };
};
