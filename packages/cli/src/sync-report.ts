import type { PlannedChange, SyncReport } from '@scim/core';
import { colors, duration, table } from './format.js';
import type { CliIO } from './io.js';

/** Per-user lines of a dry run's plan shown before "and N more". */
export const PLAN_LINES = 100;

/** The report as people read it: a heading, the table of changes, what was rejected, the plan. */
export function describeReport(io: CliIO, report: SyncReport): string[] {
  const c = colors(io);
  const heading =
    `${c.bold(report.organizationId)} · ${report.directoryId} · ${report.mode} sync` +
    `${report.updatedAfter ? ` of what changed since ${new Date(report.updatedAfter).toISOString()}` : ''}` +
    `${report.resumed ? ' (resumed)' : ''} · ${duration(report.durationMs)}` +
    ` · ${report.pages.users + report.pages.groups} pages` +
    `${report.retries > 0 ? ` · ${report.retries} API retries` : ''}`;
  const lines = [heading];
  if (report.dryRun) lines.push(c.yellow('dry run: nothing was written; this is what a sync would do'));
  lines.push(changesTable(io, report));
  if (!report.dryRun) lines.push(`${report.memberships} group memberships written`);
  if (report.rejected.length > 0) {
    lines.push(
      c.red(`${report.rejected.length} users rejected by the app (kept out; fix and sync again):`),
      table(
        io,
        ['user', 'reason'],
        report.rejected.map((r) => [r.userId, r.reason]),
        { wrap: 1 },
      ),
    );
  }
  if (report.dryRun && report.plan !== undefined) lines.push(...describePlan(io, report.plan));
  return lines;
}

function changesTable(io: CliIO, report: SyncReport): string {
  const { users, groups } = report;
  const none = '-';
  const verb = (past: string, future: string) => (report.dryRun ? future : past);
  return table(
    io,
    ['change', 'users', 'groups'],
    [
      [verb('created', 'to create'), users.created, groups.created],
      [verb('updated', 'to update'), users.updated, groups.updated],
      [verb('reactivated', 'to reactivate'), users.reactivated, none],
      [verb('deactivated', 'to deactivate'), users.deactivated, none],
      [verb('deleted', 'to delete'), users.deleted, groups.deleted],
      ['unchanged', users.unchanged, groups.unchanged],
      ['skipped (newer change held)', users.skipped, groups.skipped],
      ['rejected', users.rejected, none],
      ['listed', users.listed, groups.listed],
    ],
  );
}

const SIGNS: Record<string, string> = {
  create: '+',
  update: '~',
  reactivate: '^',
  deactivate: '-',
  delete: 'x',
};

/** A dry run's per-user diff: what would happen to whom, the unchanged left out. */
export function describePlan(io: CliIO, plan: readonly PlannedChange[]): string[] {
  const c = colors(io);
  const changes = plan.filter((p) => p.action in SIGNS);
  if (changes.length === 0) return ['The plan changes nothing: the app is in step with the directory.'];
  const tint: Record<string, (s: string) => string> = {
    create: c.green,
    update: c.yellow,
    reactivate: c.green,
    deactivate: c.red,
    delete: c.red,
  };
  const lines = [`Plan (${changes.length} changes):`];
  for (const change of changes.slice(0, PLAN_LINES)) {
    const paint = tint[change.action] ?? ((s: string) => s);
    const who = change.email ? `${change.id}  ${change.email}` : change.id;
    lines.push(paint(`  ${SIGNS[change.action]} ${change.action.padEnd(10)} ${change.kind.padEnd(5)} ${who}`));
  }
  if (changes.length > PLAN_LINES) lines.push(`  ... and ${changes.length - PLAN_LINES} more (--json lists them all)`);
  return lines;
}
