import type { DirectoryChange, GroupChange, UserChange } from '../apply/changes.js';
import type { DirectoryEvent, UnknownDirectoryEvent } from '../events/types.js';

/** What an event changes, in the terms of the apply path. */
export type EventChange =
  | { kind: 'user'; change: UserChange }
  | { kind: 'group'; change: GroupChange }
  | { kind: 'directory'; change: DirectoryChange }
  | { kind: 'unknown'; event: UnknownDirectoryEvent };

/** Each change is built as one literal (no spread): the hot path of every webhook stays on V8's fast shapes. */
export function eventChange(event: DirectoryEvent): EventChange {
  const { version, id: eventId } = event;
  switch (event.type) {
    case 'organization.directory.user_created':
    case 'organization.directory.user_updated':
      return { kind: 'user', change: { type: 'user', user: event.data, version, eventId, event } };
    case 'organization.directory.user_deleted':
      return { kind: 'user', change: { type: 'user-removed', userId: event.data.id, version, eventId, event } };
    case 'organization.directory.group_created':
    case 'organization.directory.group_updated':
      return { kind: 'group', change: { type: 'group', group: event.data, version, eventId, event } };
    case 'organization.directory.group_deleted':
      return {
        kind: 'group',
        change: { type: 'group-removed', groupId: event.data.id, group: event.data, version, eventId, event },
      };
    case 'organization.directory_enabled':
    case 'organization.directory_disabled':
      return { kind: 'directory', change: { type: 'directory', directory: event.data, version, eventId, event } };
    case 'unknown':
      return { kind: 'unknown', event };
  }
}

/** What the hooks of an event are ordered by: its entity (an unknown event stands alone). */
export function orderKey(change: EventChange): string {
  switch (change.kind) {
    case 'user':
      return `user\u0000${change.change.type === 'user' ? change.change.user.id : change.change.userId}`;
    case 'group':
      return `group\u0000${change.change.type === 'group' ? change.change.group.id : change.change.groupId}`;
    case 'directory':
      return `directory\u0000${change.change.directory.id}`;
    case 'unknown':
      return `event\u0000${change.event.id}`;
  }
}
