import type { DirectoryProvider, SimulatedDirectory, SimulatedOrganization } from '../state/types.js';

export interface SeedOptions {
  /** How many users to generate. */
  users: number;
  /** How many groups. Default: one per 50 users, at least 5 and at most 200 (never more than asked for). */
  groups?: number;
  /** The content seed. Default: the simulator's `seed`. */
  seed?: number | string;
  /** Seed into this organization; a new one is created when absent. */
  organizationId?: string;
  /** Seed into this (enabled) directory; a new one is created in the organization when absent. */
  directoryId?: string;
  /** Provider of a new directory (also shapes the generated `dp_id`s). Default `'OKTA'`. */
  provider?: DirectoryProvider;
  /** Email domain. Default: derived from the generated company name, under `.example.com`. */
  domain?: string;
  /** Send the events of the seeding (`group_created`, then `user_created`). Default false. */
  events?: boolean;
  /**
   * When the seeded users and groups were last changed (their `updatedAt` and event times), for a
   * directory that existed long before the test: an incremental sync then sees only later changes.
   * Must be in the past. Default: now.
   */
  updatedAt?: Date;
}

export interface SeedResult {
  organization: SimulatedOrganization;
  directory: SimulatedDirectory;
  /** Ids of the generated users, in creation order (which is id order). */
  userIds: string[];
  groupIds: string[];
}

export function defaultGroupCount(users: number): number {
  return Math.min(Math.max(Math.round(users / 50), 5), 200);
}
