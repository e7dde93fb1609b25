import type { ApplyResult } from '@scim/core';
import { Option } from 'commander';
import { loadConfig, useEngine } from '../config.js';
import { CliError, explainError } from '../errors.js';
import { colors, table, writeLines } from '../format.js';
import { organizationArgument } from '../options.js';
import { chooseOrganizations } from '../organizations.js';
import { parseSince } from '../since.js';
import { scanEvents } from '../status.js';
import { runSyncs } from '../sync-runner.js';
import type { RegisterCommand } from './types.js';

interface ReplayRow {
  eventId: string;
  type: string;
  outcome: string;
  reason: string;
}

interface ReplayFlags {
  rejected?: boolean;
  since?: Date;
  org?: string;
  all?: boolean;
  dryRun?: boolean;
  json?: boolean;
  config?: string;
}

export const registerReplay: RegisterCommand = (program, io) => {
  program
    .command('replay')
    .description(
      'Apply rejected events again (after fixing the mapping or the user functions) through the normal rules, ' +
        'or refill a window the webhooks missed from the Directory API (--since)',
    )
    .argument('[eventIds...]', 'the rejected events to replay (evt_...)')
    .option('--rejected', 'every rejected event (of --org, or of all organizations)')
    .addOption(
      new Option(
        '--since <time>',
        'refill from the Directory API what changed since then: an ISO date or a duration back (2h, 3d)',
      )
        .argParser((value: string) => parseSince(value))
        .conflicts('rejected'),
    )
    .addOption(
      new Option('--org <id>', 'only this organization (with --rejected or --since)')
        .argParser(organizationArgument)
        .conflicts('all'),
    )
    .option('--all', "with --since: every organization the config's organizations() lists")
    .option('--dry-run', 'with --since: show what the refill would change, write nothing')
    .option('--json', 'with --since: print the reports as JSON instead of tables')
    .option('--config <path>', 'the scim.config module (default: scim.config.* in the current folder)')
    .addHelpText(
      'after',
      `
Examples:
  scim replay --rejected --org org_123       rejected events again, after a fix
  scim replay --since 3h --org org_123       what changed in the last 3 hours, from the Directory API
  scim replay --since 2026-05-01T08:00Z --all --dry-run`,
    )
    .action(async (eventIds: string[], flags: ReplayFlags) => {
      if (flags.since !== undefined) {
        if (eventIds.length > 0) throw new CliError('give event ids or --since, not both');
        // A windowed incremental sync: the same engine, apply path and version rules as `scim sync`.
        await runSyncs(io, { ...flags, mode: 'incremental', updatedAfter: flags.since });
        return;
      }
      for (const flag of ['all', 'dryRun', 'json'] as const) {
        if (flags[flag]) throw new CliError(`--${flag === 'dryRun' ? 'dry-run' : flag} goes with --since`);
      }
      if (eventIds.length > 0 && flags.rejected) throw new CliError('give event ids or --rejected, not both');
      if (eventIds.length === 0 && !flags.rejected) {
        throw new CliError(
          'say which events: scim replay <eventId...>, scim replay --rejected, or scim replay --since <time>',
        );
      }
      if (flags.org !== undefined && !flags.rejected) throw new CliError('--org goes with --rejected or --since');
      const c = colors(io);
      const { path, config } = await loadConfig(io.cwd, flags.config);
      if (flags.org !== undefined) await chooseOrganizations(config, { org: flags.org });
      const rows = await useEngine(path, config, async (engine) => {
        let ids = eventIds;
        if (flags.rejected) {
          const { records } = await scanEvents(
            engine,
            { status: 'rejected', ...(flags.org ? { organizationId: flags.org } : {}) },
            () => true,
          );
          // Oldest first: the order the directory made the changes in.
          ids = records.map((r) => r.id).reverse();
        }
        const results: ReplayRow[] = [];
        for (const id of ids) {
          try {
            const result: ApplyResult = await engine.replay(id);
            results.push({ eventId: id, type: result.type, outcome: result.outcome, reason: result.reason ?? '' });
          } catch (error) {
            results.push({ eventId: id, type: '', outcome: 'error', reason: explainError(error).join('; ') });
          }
        }
        return results;
      });
      if (rows.length === 0) {
        writeLines(io.stdout, [`No rejected events${flags.org ? ` for ${flags.org}` : ''}: nothing to replay.`]);
        return;
      }
      writeLines(io.stdout, [
        table(
          io,
          ['event', 'type', 'outcome', 'reason'],
          rows.map((r) => [
            r.eventId,
            r.type.replace(/^organization\.directory\./, ''),
            r.outcome === 'applied'
              ? c.green(r.outcome)
              : r.outcome === 'rejected' || r.outcome === 'error'
                ? c.red(r.outcome)
                : r.outcome,
            r.reason,
          ]),
          { wrap: 3 },
        ),
      ]);
      const failed = rows.filter((r) => r.outcome === 'rejected' || r.outcome === 'error');
      const applied = rows.length - failed.length;
      writeLines(io.stdout, [`${applied} of ${rows.length} replayed.`]);
      if (failed.length > 0) {
        throw new CliError(`${failed.length} of ${rows.length} events are still rejected or could not be replayed`, {
          hint: 'The reason column says why; fix it and replay them again.',
        });
      }
    });
};
