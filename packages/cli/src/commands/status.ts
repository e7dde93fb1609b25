import { loadConfig, useEngine } from '../config.js';
import { CliError } from '../errors.js';
import { ago, colors, duration, table, when, writeLines } from '../format.js';
import type { CliIO } from '../io.js';
import { organizationArgument } from '../options.js';
import { chooseOrganizations, knownOrganizations } from '../organizations.js';
import { type DirectoryStatus, type OrganizationStatus, organizationStatus } from '../status.js';
import type { RegisterCommand } from './types.js';

export const registerStatus: RegisterCommand = (program, io) => {
  program
    .command('status')
    .description('Per organization and directory: last sync, watermark, users and groups mirrored, events, leases')
    .option('--org <id>', 'only this organization', organizationArgument)
    .option('--json', 'print the status as JSON')
    .option('--config <path>', 'the scim.config module (default: scim.config.* in the current folder)')
    .action(async (flags: { org?: string; json?: boolean; config?: string }) => {
      const { path, config } = await loadConfig(io.cwd, flags.config);
      const chosen = flags.org === undefined ? undefined : await chooseOrganizations(config, { org: flags.org });
      await useEngine(path, config, async (engine) => {
        let organizations: string[];
        if (chosen !== undefined) organizations = chosen;
        else {
          const synced = (await engine.syncStatus()).map((s) => s.organizationId);
          organizations = [...new Set([...((await knownOrganizations(config)) ?? []), ...synced])].sort();
        }
        const now = new Date();
        const statuses: OrganizationStatus[] = [];
        for (const organizationId of organizations) {
          statuses.push(await organizationStatus(engine, organizationId, now));
        }
        if (flags.org !== undefined && isEmpty(statuses[0]!)) {
          throw new CliError(`nothing is recorded for organization ${flags.org}`, {
            hint: 'It was never synced and no event of it was received. Check the id, or run `scim sync --org <id>`.',
          });
        }
        if (flags.json) {
          io.stdout.write(`${JSON.stringify({ generatedAt: now, organizations: statuses }, null, 2)}\n`);
          return;
        }
        if (statuses.length === 0) {
          writeLines(io.stdout, [
            'No organization yet: nothing was synced and the config lists no organizations().',
            'Run `scim sync --org <id>` for a first reconcile.',
          ]);
          return;
        }
        for (const status of statuses) writeLines(io.stdout, describeStatus(io, status, now));
        if (statuses.some((status) => !status.leaseHolders && status.directories.length > 0)) {
          writeLines(io.stdout, [
            colors(io).dim(
              `Leases: ${engine.adapter.name} records that a sync holds one, not which instance holds it (it has no getLeases); a sync that ran past its checkpoint shows as interrupted.`,
            ),
          ]);
        }
      });
    });
};

function isEmpty(status: OrganizationStatus): boolean {
  return (
    status.directories.length === 0 &&
    status.users.mirrored === 0 &&
    status.users.deprovisioned === 0 &&
    status.groups.mirrored === 0 &&
    status.rejected === 0 &&
    Object.keys(status.eventsLastDay).length === 0
  );
}

/** Who runs the sync, when the adapter can tell, and how far it got. */
function describeHeld(d: DirectoryStatus, now: Date): string {
  const mode = d.runningMode === null ? '' : `${d.runningMode} `;
  const progress = d.sync === 'running' ? `, checkpoint ${ago(d.updatedAt, now)}` : '';
  if (d.holder === null) return `held: ${mode}sync running${progress}`;
  return `held by ${d.holder.owner} until ${when(d.holder.expiresAt)}: ${mode}sync running${progress}`;
}

export function describeStatus(io: CliIO, status: OrganizationStatus, now: Date): string[] {
  const c = colors(io);
  const lines = [c.bold(`Organization ${status.organizationId}`)];
  if (status.directories.length === 0) lines.push('  no sync yet (no sync state is stored)');
  else {
    lines.push(
      table(
        io,
        ['directory', 'enabled', 'last sync', 'result', 'duration', 'watermark', 'lease'],
        status.directories.map((d) => [
          d.provider ? `${d.directoryId} (${d.provider})` : d.directoryId,
          d.enabled === null ? 'unknown' : d.enabled ? 'yes' : c.red('no'),
          d.lastStartedAt ? `${when(d.lastStartedAt)} (${ago(d.lastStartedAt, now)})` : 'never',
          d.sync === 'failed' ? c.red('failed') : d.sync,
          d.durationMs === null ? '-' : duration(d.durationMs),
          d.watermark ? `${when(d.watermark)} (${ago(d.watermark, now)})` : 'none',
          d.lease === 'running'
            ? describeHeld(d, now)
            : d.lease === 'interrupted'
              ? c.yellow(`interrupted ${d.runningMode ?? ''} sync; the next run resumes`)
              : 'free',
        ]),
      ),
    );
    for (const d of status.directories) {
      if (d.lastError !== null) lines.push(c.red(`  last error of ${d.directoryId}: ${d.lastError}`));
    }
  }
  const byStatus = Object.entries(status.eventsLastDay)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const atLeast = status.truncated ? ' (counting stopped at the scan limit: at least)' : '';
  lines.push(
    `  users: ${status.users.mirrored} mirrored (${status.users.active} active), ${status.users.deprovisioned} deprovisioned; groups: ${status.groups.mirrored}`,
    `  events in the last 24 h: ${byStatus === '' ? 'none' : byStatus}${atLeast}`,
    status.rejected > 0
      ? c.yellow(
          `  rejected events: ${status.rejected} (scim events --org ${status.organizationId} --status rejected; fix, then scim replay --rejected)`,
        )
      : '  rejected events: 0',
    '',
  );
  return lines;
}
