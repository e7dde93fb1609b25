import type { GroupStep } from '../apply/plan-groups.js';
import type { UserStep } from '../apply/plan-users.js';
import type { PlannedAction, PlannedChange, SyncMode, SyncReport } from './types.js';

export function emptyReport(
  organizationId: string,
  directoryId: string,
  mode: SyncMode,
  dryRun: boolean,
  now: Date,
): SyncReport {
  const report: SyncReport = {
    organizationId,
    directoryId,
    mode,
    dryRun,
    resumed: false,
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
    pages: { users: 0, groups: 0 },
    retries: 0,
    users: {
      listed: 0,
      created: 0,
      updated: 0,
      reactivated: 0,
      deactivated: 0,
      deleted: 0,
      unchanged: 0,
      skipped: 0,
      rejected: 0,
    },
    groups: { listed: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0 },
    memberships: 0,
    rejected: [],
  };
  if (dryRun) report.plan = [];
  return report;
}

/**
 * What a user step did, as the report counts it. A dry run counts what it would write; a real run what
 * the store's version rule let through (a newer change written meanwhile makes it `skip`).
 */
export function userAction(step: UserStep, written: boolean, dryRun: boolean): PlannedAction {
  if (step.action === 'stale') return step.upToDate ? 'unchanged' : 'skip';
  if (!dryRun && !written) return 'skip';
  if (step.action === 'keep') return 'unchanged';
  return step.action;
}

export function groupAction(step: GroupStep, written: boolean, dryRun: boolean): PlannedAction {
  if (step.action === 'stale') return step.upToDate ? 'unchanged' : 'skip';
  if (!dryRun && !written) return 'skip';
  return step.action;
}

const USER_COUNTERS: Record<PlannedAction, keyof SyncReport['users']> = {
  create: 'created',
  update: 'updated',
  reactivate: 'reactivated',
  deactivate: 'deactivated',
  delete: 'deleted',
  unchanged: 'unchanged',
  skip: 'skipped',
};

/** Adds a batch's user steps to the report (counts, memberships written, a dry run's plan). */
export function countUsers(report: SyncReport, steps: readonly UserStep[], written: readonly boolean[]): void {
  steps.forEach((step, i) => {
    const action = userAction(step, written[i]!, report.dryRun);
    report.users[USER_COUNTERS[action]]++;
    if (written[i] && step.groups !== undefined && !step.advance!.deleted) report.memberships++;
    const email = step.write?.email;
    plan(report, { kind: 'user', id: step.userId, action, ...(email ? { email } : {}) });
  });
}

export function countGroups(report: SyncReport, steps: readonly GroupStep[], written: readonly boolean[]): void {
  steps.forEach((step, i) => {
    const action = groupAction(step, written[i]!, report.dryRun);
    if (action === 'create') report.groups.created++;
    else if (action === 'update') report.groups.updated++;
    else if (action === 'delete') report.groups.deleted++;
    else if (action === 'unchanged') report.groups.unchanged++;
    else report.groups.skipped++;
    plan(report, { kind: 'group', id: step.groupId, action });
  });
}

function plan(report: SyncReport, change: PlannedChange): void {
  if (report.plan !== undefined && change.action !== 'unchanged') report.plan.push(change);
}
