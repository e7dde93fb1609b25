import { Option } from 'commander';
import { organizationArgument } from '../options.js';
import { runSyncs } from '../sync-runner.js';
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
      await runSyncs(io, { ...flags, mode: flags.incremental ? 'incremental' : 'full' });
    });
};
