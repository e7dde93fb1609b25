import type { PlannedChange, ScimEngine, SyncGuardError, SyncMode, SyncReport } from '@scim/core';
import { Option } from 'commander';
import { loadConfig, useEngine } from '../config.js';
import { CliError, explainError } from '../errors.js';
import { colors, duration, table, writeLines } from '../format.js';
import type { CliIO } from '../io.js';
import { organizationArgument } from '../options.js';
import { chooseOrganizations } from '../organizations.js';
import { progressView } from '../progress.js';
import type { RegisterCommand } from './types.js';

interface SyncFlags {
  org?: string;
  all?: boolean;
  dryRun?: boolean;
  full?: boolean;
  incremental?: boolean;
  force?: boolean;
  json?: boolean;
  config?: string;
}

/** Per-user lines of a dry run's plan shown before "and N more". */
export const PLAN_LINES = 100;

export const registerSync: RegisterCommand = (program, io) => {
  program
    .command('sync')
    .description("Reconcile the app with the directory through Scalekit's Directory API, and show what changed")
    .addOption(new Option('--org <id>', 'the organization to sync').argParser(organizationArgument).conflicts('all'))
    .addOption(new Option('--all', "every organization the config's organizations() lists"))
    .option('--dry-run', 'plan only: show what would change, write nothing')
    .addOption(new Option('--full', 'list every user and deprovision the ones gone (default)').conflicts('incremental'))
    .addOption(new Option('--incremental', 'only what changed since the last sync (its watermark)'))
    .option('--force', 'deprovision even when the safety guard would stop the sync')
    .option('--json', 'print the reports as JSON instead of tables')
    .option('--config <path>', 'the scim.config module (default: scim.config.* in the current folder)')
    .addHelpText(
      'after',
      `
Examples:
  scim sync --org org_123 --dry-run     what a full sync would change
  scim sync --all --incremental          catch up every organization
  scim sync --org org_123 --force        deprovision past the guard`,
    )
    .action(async (flags: SyncFlags) => {
      const mode: SyncMode = flags.incremental ? 'incremental' : 'full';
      const { path, config } = await loadConfig(io.cwd, flags.config);
      const organizations = await chooseOrganizations(config, flags);
      // Ctrl-C stops the sync in progress (its checkpoint is kept) and every one after it.
      const controller = new AbortController();
      const interrupt = () => controller.abort(new Error('interrupted (Ctrl-C)'));
      process.once('SIGINT', interrupt);
      let failed = 0;
      try {
        failed = await useEngine(path, config, async (engine) => {
          const reports: SyncReport[] = [];
          let failures = 0;
          for (const organizationId of organizations) {
            if (controller.signal.aborted) break;
            const report = await syncOne(io, engine, organizationId, mode, flags, controller.signal);
            if (report === undefined) failures++;
            else reports.push(report);
          }
          if (flags.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
          return failures;
        });
      } finally {
        process.removeListener('SIGINT', interrupt);
      }
      if (controller.signal.aborted) throw new CliError('interrupted (Ctrl-C)');
      if (failed > 0) throw new CliError(`${failed} of ${organizations.length} syncs failed (see above)`);
    });
};

async function syncOne(
  io: CliIO,
  engine: ScimEngine,
  organizationId: string,
  mode: SyncMode,
  flags: SyncFlags,
  signal: AbortSignal,
): Promise<SyncReport | undefined> {
  const c = colors(io, 'stderr');
  const progress = progressView(io, `[${organizationId}]`, { dryRun: flags.dryRun ?? false });
  try {
    const report = await engine.sync({
      organizationId,
      mode,
      dryRun: flags.dryRun ?? false,
      force: flags.force ?? false,
      signal,
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    if (!flags.json) writeLines(io.stdout, describeReport(io, report));
    return report;
  } catch (error) {
    progress.stop();
    if (isGuardStop(error)) {
      writeLines(io.stderr, explainGuard(io, error, organizationId, mode, flags));
    } else {
      writeLines(io.stderr, [c.red(`scim: the sync of ${organizationId} failed`), ...explainError(error)]);
    }
    return undefined;
  }
}

/**
 * A SyncGuardError, recognised by its code rather than its class: the app's config loads its own
 * copy of @scim/core (jiti, or another version installed beside the app), whose classes are not ours.
 */
function isGuardStop(error: unknown): error is SyncGuardError {
  const e = error as Partial<SyncGuardError> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    e.code === 'SYNC_GUARD' &&
    typeof e.candidates === 'number' &&
    typeof e.activeUsers === 'number' &&
    typeof e.report === 'object'
  );
}

/** The report as people read it: a heading, the table of changes, what was rejected, the plan. */
export function describeReport(io: CliIO, report: SyncReport): string[] {
  const c = colors(io);
  const heading =
    `${c.bold(report.organizationId)} · ${report.directoryId} · ${report.mode} sync` +
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

function explainGuard(io: CliIO, error: SyncGuardError, org: string, mode: SyncMode, flags: SyncFlags): string[] {
  const c = colors(io, 'stderr');
  const share = error.activeUsers > 0 ? Math.round((error.candidates / error.activeUsers) * 100) : 100;
  const command = ['scim sync', `--org ${org}`, mode === 'incremental' ? '--incremental' : '', '--force']
    .concat(flags.config ? [`--config ${flags.config}`] : [])
    .filter(Boolean)
    .join(' ');
  const { users } = error.report;
  return [
    c.red(`scim: the sync of ${org} stopped before deprovisioning anyone [SYNC_GUARD]`),
    `The directory no longer lists ${error.candidates} of the ${error.activeUsers} active users the app holds (${share}%),`,
    'more than the safety guard allows (sync.maxDeprovisionShare of the engine, 25% unless the app set it).',
    'So many leavers at once is more often a directory problem (a narrowed scope or assignment, an emptied',
    'group, a migration at the identity provider) than real departures, so nobody was deactivated or deleted.',
    `Before stopping it created ${users.created}, updated ${users.updated} and reactivated ${users.reactivated} users; those are kept.`,
    'If these people really left, run it again with --force:',
    `  ${command}`,
  ];
}
