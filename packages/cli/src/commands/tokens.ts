import type { ScimEngine, TokenRecord } from '@scim/core';
import type { Command } from 'commander';
import { withEngine } from '../config.js';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import type { RegisterCommand } from './types.js';

type ScimServerModule = typeof import('@scim/scim-server');
type ScimTokens = ReturnType<ScimServerModule['scimTokens']>;

/** A token is known by the start of its hash: enough to tell it apart, nothing to authenticate with. */
const ID_LENGTH = 12;
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

interface Common {
  org: string;
  config?: string;
  json?: boolean;
}

function tokenId(record: TokenRecord): string {
  return record.hash.slice(0, ID_LENGTH);
}

function stateOf(record: TokenRecord, now: Date): string {
  if (record.expiresAt === null) return 'active';
  return record.expiresAt.getTime() > now.getTime() ? `active until ${record.expiresAt.toISOString()}` : 'expired';
}

function publicRecord(record: TokenRecord, now: Date) {
  return {
    id: tokenId(record),
    organizationId: record.organizationId,
    label: record.label,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString() ?? null,
    state: stateOf(record, now) === 'expired' ? 'expired' : 'active',
  };
}

/** `30m`, `1h`, `7d`: three units are all a token's overlap or lifetime needs. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+)([mhd])$/.exec(text.trim());
  if (!match)
    throw new CliError(`${flag} ${text} is not a duration`, { hint: `e.g. ${flag} 30m, ${flag} 1h, ${flag} 7d` });
  return Number(match[1]) * UNITS[match[2]!]!;
}

async function loadScimServer(): Promise<ScimServerModule> {
  try {
    return (await import('@scim/scim-server')) as ScimServerModule;
  } catch (error) {
    throw new CliError('@scim/scim-server is not installed in this app', {
      hint: "The tokens are the SCIM server's: install it with your package manager, e.g. `pnpm add @scim/scim-server`.",
      cause: error,
    });
  }
}

/**
 * Runs `use` with the token store of the app's engine, after checking the organization against the config's
 * organizations() (when it has one), so that a mistyped id writes nothing.
 */
async function withTokens<T>(io: CliIO, options: Common, use: (tokens: ScimTokens, engine: ScimEngine) => Promise<T>) {
  if (!options.org || options.org.trim() === '') throw new CliError('--org <id> is required');
  const { scimTokens } = await loadScimServer();
  return withEngine(io.cwd, options.config, async (engine, config) => {
    if (config.organizations) {
      const known = await config.organizations();
      if (!known.includes(options.org)) {
        throw new CliError(`${options.org} is not an organization of this app`, {
          hint: `organizations() of scim.config lists: ${known.join(', ') || '(none)'}`,
        });
      }
    }
    let tokens: ScimTokens;
    try {
      tokens = scimTokens(engine);
    } catch (error) {
      throw new CliError("this app's adapter keeps no SCIM tokens", {
        hint: 'SCIM server tokens need an adapter with capabilities.scimResources (for instance @scim/sql).',
        cause: error,
      });
    }
    return use(tokens, engine);
  });
}

/** Prints a token that exists nowhere else: once, with what to do with it. */
function showIssued(
  io: CliIO,
  issued: { token: string; record: TokenRecord },
  json: boolean | undefined,
  note: string,
) {
  const now = new Date();
  if (json) {
    io.stdout.write(`${JSON.stringify({ token: issued.token, ...publicRecord(issued.record, now) }, null, 2)}\n`);
    return;
  }
  io.stdout.write(
    [
      `SCIM token ${tokenId(issued.record)} for ${issued.record.organizationId}${issued.record.label ? ` (${issued.record.label})` : ''}:`,
      '',
      `  ${issued.token}`,
      '',
      'Copy it now into the identity provider (with the SCIM base URL): it is shown this once and stored only as a hash.',
      note,
      '',
    ]
      .filter((line, i, all) => line !== '' || all[i - 1] !== '')
      .join('\n'),
  );
}

function common(command: Command): Command {
  return command
    .requiredOption('--org <id>', 'the organization the token belongs to')
    .option('-c, --config <path>', 'the scim.config module (default: scim.config.* in this folder)')
    .option('--json', 'print JSON');
}

export const registerTokens: RegisterCommand = (program, io) => {
  const tokens = program
    .command('tokens')
    .description("Bearer tokens of the SCIM 2.0 server, one organization's at a time: create, rotate, revoke, list.");

  common(tokens.command('create').description("Create a token (the organization's other tokens keep working)."))
    .option('--label <text>', 'a name for the token, e.g. "Okta production"')
    .option('--expires-in <duration>', 'the token stops working after this long (30m, 12h, 90d); default never')
    .action(async (options: Common & { label?: string; expiresIn?: string }) => {
      const lifetime = options.expiresIn === undefined ? undefined : parseDuration(options.expiresIn, '--expires-in');
      await withTokens(io, options, async (store) => {
        const issued = await store.issue(options.org, {
          ...(options.label === undefined ? {} : { label: options.label }),
          ...(lifetime === undefined ? {} : { expiresAt: new Date(Date.now() + lifetime) }),
        });
        showIssued(io, issued, options.json, '');
      });
    });

  common(tokens.command('rotate').description('Create a new token; the others stop working after an overlap.'))
    .option('--label <text>', 'a name for the new token')
    .option('--overlap <duration>', 'how long the old tokens keep working (30m, 1h, 2d)', '1h')
    .action(async (options: Common & { label?: string; overlap: string }) => {
      const overlapMs = parseDuration(options.overlap, '--overlap');
      await withTokens(io, options, async (store) => {
        const issued = await store.rotate(options.org, {
          overlapMs,
          ...(options.label === undefined ? {} : { label: options.label }),
        });
        const until = new Date(issued.record.createdAt.getTime() + overlapMs).toISOString();
        showIssued(io, issued, options.json, `The organization's previous tokens keep working until ${until}.`);
      });
    });

  common(tokens.command('revoke').description('Revoke a token at once, by the id `scim tokens list` shows.'))
    .argument('<id>', 'the token id from `scim tokens list` (the start of its hash)')
    .action(async (id: string, options: Common) => {
      if (!/^[0-9a-f]{8,64}$/.test(id)) {
        throw new CliError(`${id} is not a token id`, {
          hint: 'Use the ID column of `scim tokens list --org ...` (hex).',
        });
      }
      await withTokens(io, options, async (store) => {
        const matches = (await store.list(options.org)).filter((t) => t.hash.startsWith(id));
        if (matches.length === 0)
          throw new CliError(`no token ${id} in ${options.org}`, { hint: 'See `scim tokens list`.' });
        if (matches.length > 1)
          throw new CliError(`${id} matches ${matches.length} tokens`, { hint: 'Give more of the id.' });
        await store.revoke(options.org, matches[0]!.hash);
        io.stdout.write(
          options.json
            ? `${JSON.stringify({ revoked: tokenId(matches[0]!), organizationId: options.org })}\n`
            : `Revoked token ${tokenId(matches[0]!)} of ${options.org}: requests with it are refused from now on.\n`,
        );
      });
    });

  common(
    tokens.command('list').description("The organization's tokens (ids, labels, expiry); never the tokens themselves."),
  ).action(async (options: Common) => {
    await withTokens(io, options, async (store) => {
      const now = new Date();
      const records = await store.list(options.org);
      if (options.json) {
        io.stdout.write(
          `${JSON.stringify(
            records.map((r) => publicRecord(r, now)),
            null,
            2,
          )}\n`,
        );
        return;
      }
      if (records.length === 0) {
        io.stdout.write(
          `No SCIM token for ${options.org}. Create one with \`scim tokens create --org ${options.org}\`.\n`,
        );
        return;
      }
      const rows = [
        ['ID', 'LABEL', 'CREATED', 'STATE'],
        ...records.map((r) => [tokenId(r), r.label ?? '', r.createdAt.toISOString(), stateOf(r, now)]),
      ];
      const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
      for (const row of rows)
        io.stdout.write(
          `${row
            .map((cell, col) => cell.padEnd(widths[col]!))
            .join('  ')
            .trimEnd()}\n`,
        );
    });
  });
};
