import type { InboxRecord, InboxStatus } from '@scim/core';
import { Option } from 'commander';
import { loadConfig, useEngine } from '../config.js';
import { ago, table, when, writeLines } from '../format.js';
import type { CliIO } from '../io.js';
import { integerArgument, organizationArgument } from '../options.js';
import { chooseOrganizations } from '../organizations.js';
import { scanEvents } from '../status.js';
import type { RegisterCommand } from './types.js';

export const INBOX_STATUSES: readonly InboxStatus[] = [
  'pending',
  'applied',
  'stale',
  'ignored',
  'unknown_type',
  'rejected',
];

export const registerEvents: RegisterCommand = (program, io) => {
  program
    .command('events')
    .description('List delivered events (the inbox), newest first, with why a rejected one was refused')
    .option('--org <id>', 'only this organization', organizationArgument)
    .addOption(new Option('--status <status>', 'only events with this status').choices(INBOX_STATUSES))
    .option('--limit <n>', 'at most this many (default 50)', integerArgument(1, 10_000), 50)
    .option('--json', 'print the records as JSON (payloads left out)')
    .option('--config <path>', 'the scim.config module (default: scim.config.* in the current folder)')
    .action(async (flags: { org?: string; status?: InboxStatus; limit: number; json?: boolean; config?: string }) => {
      const { path, config } = await loadConfig(io.cwd, flags.config);
      if (flags.org !== undefined) await chooseOrganizations(config, { org: flags.org });
      await useEngine(path, config, async (engine) => {
        const { records } = await scanEvents(
          engine,
          { ...(flags.org ? { organizationId: flags.org } : {}), ...(flags.status ? { status: flags.status } : {}) },
          () => true,
          flags.limit,
        );
        if (flags.json) {
          // Payloads hold people's attributes: an operator listing does not need them.
          const listed = records.map(({ payload: _payload, ...rest }) => rest);
          io.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
          return;
        }
        writeLines(io.stdout, describeEvents(io, records, flags));
      });
    });
};

export function describeEvents(io: CliIO, records: readonly InboxRecord[], flags: { status?: string; org?: string }) {
  const what = [flags.status, 'events'].filter(Boolean).join(' ');
  if (records.length === 0) return [`No ${what}${flags.org ? ` for ${flags.org}` : ''}.`];
  const now = new Date();
  const lines = [
    table(
      io,
      ['id', 'type', 'organization', 'status', 'reason', 'received'],
      records.map((r) => [
        r.id,
        r.type.replace(/^organization\.directory\./, ''),
        r.organizationId,
        r.status,
        r.reason ?? '',
        `${when(r.receivedAt)} (${ago(r.receivedAt, now)})`,
      ]),
      { wrap: 4 },
    ),
    `${records.length} ${what}, newest first.`,
  ];
  if (records.some((r) => r.status === 'rejected')) {
    lines.push(
      'Rejected events can be applied again once the cause is fixed: scim replay <id...> or scim replay --rejected',
    );
  }
  return lines;
}
