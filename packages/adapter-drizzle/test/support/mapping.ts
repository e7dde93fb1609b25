import type { UserWrite } from '@scim/core';
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
