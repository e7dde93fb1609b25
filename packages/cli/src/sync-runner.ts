import type { ScimEngine, SyncGuardError, SyncMode, SyncOptions, SyncReport } from '@scim/core';
import { loadConfig, useEngine } from './config.js';
import { CliError, explainError } from './errors.js';
import { colors, writeLines } from './format.js';
import type { CliIO } from './io.js';
import { chooseOrganizations } from './organizations.js';
import { progressView } from './progress.js';
import { describeReport } from './sync-report.js';

/** One command's syncs: which organizations, how, and how to show them (`scim sync`, `scim replay --since`). */
export interface SyncRequest {
  org?: string;
  all?: boolean;
  config?: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  mode: SyncMode;
  /** A windowed incremental sync: only what changed after it. */
  updatedAfter?: Date;
}

/**
 * Runs the syncs of a command through the app's engine, one organization after the other: progress on
 * stderr, each report as a table (or all as JSON) on stdout. Ctrl-C stops the sync in progress (its
 * checkpoint is kept) and every one after it. Throws a CliError (exit 1) when one failed.
 */
export async function runSyncs(io: CliIO, request: SyncRequest): Promise<void> {
  const { path, config } = await loadConfig(io.cwd, request.config);
  const organizations = await chooseOrganizations(config, request);
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
        const report = await syncOne(io, engine, organizationId, request, controller.signal);
        if (report === undefined) failures++;
        else reports.push(report);
      }
      if (request.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      return failures;
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
  if (controller.signal.aborted) throw new CliError('interrupted (Ctrl-C)');
  if (failed > 0) throw new CliError(`${failed} of ${organizations.length} syncs failed (see above)`);
}

async function syncOne(
  io: CliIO,
  engine: ScimEngine,
  organizationId: string,
  request: SyncRequest,
  signal: AbortSignal,
): Promise<SyncReport | undefined> {
  const c = colors(io, 'stderr');
  const progress = progressView(io, `[${organizationId}]`, { dryRun: request.dryRun ?? false });
  const options: SyncOptions = {
    organizationId,
    mode: request.mode,
    dryRun: request.dryRun ?? false,
    force: request.force ?? false,
    signal,
    onProgress: (p) => progress.update(p),
  };
  if (request.updatedAfter !== undefined) options.updatedAfter = request.updatedAfter;
  try {
    const report = await engine.sync(options);
    progress.stop();
    if (!request.json) writeLines(io.stdout, describeReport(io, report));
    return report;
  } catch (error) {
    progress.stop();
    if (isGuardStop(error)) {
      writeLines(io.stderr, explainGuard(io, error, organizationId, request));
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

function explainGuard(io: CliIO, error: SyncGuardError, org: string, request: SyncRequest): string[] {
  const c = colors(io, 'stderr');
  const share = error.activeUsers > 0 ? Math.round((error.candidates / error.activeUsers) * 100) : 100;
  const command = ['scim sync', `--org ${org}`, request.mode === 'incremental' ? '--incremental' : '', '--force']
    .concat(request.config ? [`--config ${request.config}`] : [])
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
