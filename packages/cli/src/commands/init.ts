import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { CliError } from '../errors.js';
import { type Colors, colors } from '../format.js';
import { installCommands, localSpecifiers, packagesToInstall, runInstall } from '../init/install.js';
import { makePlan, type UserLayer } from '../init/plan.js';
import { detectProject, type Project } from '../init/project.js';
import { findUsersTable } from '../init/table-fallback.js';
import {
  bestMatches,
  type FoundFunction,
  findCandidates,
  isComplete,
  type UserFunctions,
  type UserOperation,
} from '../init/user-functions.js';
import { type CliIO, isInteractive } from '../io.js';

interface InitOptions {
  yes?: boolean;
  dryRun?: boolean;
  install: boolean;
  packagesFrom?: string;
}

export function registerInit(program: Command, io: CliIO): void {
  program
    .command('init')
    .description(
      'add directory sync to this app: packages, .env, bookkeeping schema, the engine over your user functions, the webhook route',
    )
    .option('-y, --yes', 'accept what init detects, without prompts (for CI)')
    .option('--dry-run', 'print the diff of every file init would touch, and write nothing')
    .option('--no-install', 'do not run the package manager (print its command instead)')
    .option('--packages-from <checkout>', 'take the @scim packages from a local checkout of the SDK repository (built)')
    .action(async (options: InitOptions) => {
      await init(io, options);
    });
}

function dbText(project: Project): string {
  const db = project.db;
  if (db === undefined) return '';
  if (db.package) return ', its default connection (mongoose.connection)';
  return `, ${project.orm?.kind === 'mongoose' ? 'connection' : 'client'} \`${db.name}\` from ${db.file}`;
}

function describe(project: Project, users: UserLayer, pc: Colors): string[] {
  const orm = project.orm;
  const ormText =
    orm === undefined
      ? 'none'
      : orm.kind === 'prisma'
        ? `Prisma (${orm.provider}, ${orm.schemaPath})`
        : orm.kind === 'drizzle'
          ? `Drizzle (${orm.dialect}, ${orm.driver})`
          : 'Mongoose';
  const framework =
    project.framework.kind === 'none'
      ? 'none found (framework-neutral handler)'
      : `${project.framework.kind} ${project.framework.major}`;
  const fn = (op: UserOperation) => {
    const found = users.kind === 'functions' ? users.functions[op] : undefined;
    return found ? `${found.name} (${found.file})` : op === 'reactivate' ? '- (optional)' : pc.red('not found');
  };
  const lines = [
    `  package manager  ${project.packageManager}`,
    `  framework        ${framework}${project.entry ? ` in ${project.entry}` : ''}`,
    `  database         ${ormText}${dbText(project)}`,
    `  language         ${project.typescript ? 'TypeScript' : 'JavaScript'}, ${project.moduleType === 'esm' ? 'ESM' : 'CommonJS'}`,
  ];
  if (users.kind === 'table') {
    return [...lines, `  users table      ${users.found.table.name} (${users.found.file}), mapped directly`];
  }
  return [
    ...lines,
    `  create           ${fn('create')}`,
    `  update           ${fn('update')}`,
    `  deactivate       ${fn('deactivate')}`,
    `  reactivate       ${fn('reactivate')}`,
  ];
}

async function prompts() {
  return import('@clack/prompts');
}

const VERB: Record<UserOperation, string> = {
  create: 'creates',
  update: 'updates',
  deactivate: 'deactivates',
  reactivate: 'reactivates',
};

function everyFunction(project: Project): FoundFunction[] {
  return [...project.modules].flatMap(([file, exports]) => exports.functions.map((fn) => ({ ...fn, file, score: 99 })));
}

async function chooseFunctions(project: Project, io: CliIO, options: InitOptions): Promise<UserLayer> {
  const candidates = findCandidates(project.modules);
  const { chosen, ambiguous } = bestMatches(candidates);
  const interactive = isInteractive(io) && !options.yes;
  if (interactive) {
    const clack = await prompts();
    const streams = { input: io.stdin as Readable, output: io.stdout as Writable };
    for (const operation of ['create', 'update', 'deactivate', 'reactivate'] as UserOperation[]) {
      let list = candidates[operation];
      if (list.length === 1 && !ambiguous.includes(operation)) continue;
      // No name fits a required one: offer every exported function of the app (reactivate stays optional).
      if (list.length === 0 && operation === 'reactivate') continue;
      const unsure = list.length === 0;
      if (unsure) list = everyFunction(project);
      if (list.length === 0) continue;
      const answer = await clack.select<FoundFunction | undefined>({
        ...streams,
        message: unsure
          ? `No function is named like one that ${VERB[operation]} a user. Which one does?`
          : `Which function ${VERB[operation]} a user?`,
        initialValue: list[0],
        options: [
          ...list.map((fn) => ({ value: fn, label: fn.name, hint: fn.file })),
          ...(unsure ? [{ value: undefined, label: 'none of these' }] : []),
        ],
      });
      if (clack.isCancel(answer)) throw new CliError('cancelled; nothing was written');
      if (answer !== undefined) chosen[operation] = answer;
    }
  } else if (ambiguous.length > 0) {
    for (const operation of ambiguous) {
      io.stdout.write(
        `  ${operation}: several candidates (${candidates[operation].map((fn) => `${fn.name} in ${fn.file}`).join(', ')}); took ${chosen[operation]!.name}\n`,
      );
    }
  }
  if (!isComplete(chosen)) return tableFallback(project, io, chosen, interactive);
  return { kind: 'functions', functions: chosen };
}

const BYPASS = "the adapter writes the table itself: your app's own user functions and their side effects are bypassed";

/**
 * No user functions: the adapter can write the app's users table through a column mapping instead. Asked on a
 * terminal; without one (--yes, CI) taken, with a warning.
 */
async function tableFallback(
  project: Project,
  io: CliIO,
  chosen: UserFunctions,
  interactive: boolean,
): Promise<UserLayer> {
  const missing = (['create', 'update', 'deactivate'] as const).filter((op) => chosen[op] === undefined);
  const noFunctions = (hint: string) =>
    new CliError(`found no user function to ${missing.join(', ')} a user`, {
      hint: `scim init wires the functions your app already has (e.g. createUser, updateUser, deactivateUser, exported from one of your modules). ${hint}`,
    });
  const found = project.orm?.kind === 'prisma' || project.orm?.kind === 'drizzle' ? findUsersTable(project) : undefined;
  if (found === undefined) {
    throw noFunctions(
      'Nor did it find a users table (a model or table named User, Member, Account or Employee) to map directly. Export the functions, or write the engine yourself: see the README of @scim/core (table mapping).',
    );
  }
  if (interactive) {
    const clack = await prompts();
    const ok = await clack.confirm({
      input: io.stdin as Readable,
      output: io.stdout as Writable,
      message: `No user functions found. Map your users table ${found.table.name} (${found.file}) directly? (${BYPASS})`,
    });
    if (clack.isCancel(ok)) throw new CliError('cancelled; nothing was written');
    if (ok !== true) throw noFunctions('Export them and run scim init again.');
  } else {
    io.stdout.write(
      `warning: no user functions found; mapping the users table ${found.table.name} (${found.file}) directly: ${BYPASS}\n`,
    );
  }
  return { kind: 'table', found };
}

/** A .env file's values are never printed, not even as a diff's context: each shows as `<set>`. */
function maskValues(path: string, text: string): string {
  if (!/^\.env(\.|$)/.test(path) || path === '.env.example') return text;
  return text.replace(/^(\s*(?:export\s+)?[\w.-]+\s*=)(.+)$/gm, (_line, name: string, value: string) =>
    value.trim() === '' ? `${name}${value}` : `${name}<set>`,
  );
}

function diffOf(root: string, path: string, content: string): string {
  const full = join(root, path);
  const before = existsSync(full) ? readFileSync(full, 'utf8') : '';
  return createTwoFilesPatch(
    existsSync(full) ? `a/${path}` : '/dev/null',
    `b/${path}`,
    maskValues(path, before),
    maskValues(path, content),
    '',
    '',
    { context: 3 },
  );
}

export async function init(io: CliIO, options: InitOptions): Promise<void> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  // Colours on a terminal only (picocolors' own default also turns them on whenever CI is set).
  const pc = colors(io);
  const project = detectProject(io.cwd);
  const users = await chooseFunctions(project, io, options);
  out('scim init found:');
  for (const line of describe(project, users, pc)) out(line);
  out();

  const local = options.packagesFrom === undefined ? undefined : localSpecifiers(project, options.packagesFrom);
  const install = installCommands(project, packagesToInstall(project), local);
  // Planned before installing, so that a mistake (no ORM client, no user functions) changes nothing.
  const checkout = options.packagesFrom === undefined ? undefined : resolve(io.cwd, options.packagesFrom);
  let plan = makePlan(project, users, new Date(), checkout);

  if (options.dryRun) {
    for (const command of install) out(`would run: ${command.join(' ')}`);
    for (const change of plan.changes) io.stdout.write(diffOf(project.root, change.path, change.content));
    finish(out, pc, plan, install.length === 0 && plan.changes.length === 0, true);
    return;
  }
  if (!options.yes) {
    if (!isInteractive(io)) {
      throw new CliError('not a terminal: nothing was written', {
        hint: 'Pass --yes to apply what init found, or --dry-run to see the diff first.',
      });
    }
    const clack = await prompts();
    const summary = [
      ...install.map((command) => `run ${command.join(' ')}`),
      ...plan.changes.map((change) => `write ${change.path} (${change.why})`),
    ];
    if (summary.length > 0) {
      const ok = await clack.confirm({
        input: io.stdin as Readable,
        output: io.stdout as Writable,
        message: `scim init will:\n${summary.map((line) => `  ${line}`).join('\n')}\nGo ahead?`,
      });
      if (clack.isCancel(ok) || ok !== true) throw new CliError('cancelled; nothing was written');
    }
  }

  if (install.length > 0) {
    if (options.install) {
      for (const command of install) out(`running ${command.join(' ')}`);
      await runInstall(project, install, io);
      // The adapter is installed now: the schema step can copy its fragment and migrations.
      plan = makePlan(detectProject(io.cwd), users, new Date(), checkout);
    } else {
      for (const command of install) out(`not installed (--no-install); run: ${command.join(' ')}`);
    }
  }
  for (const change of plan.changes) {
    const full = join(project.root, change.path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, change.content);
    out(`${pc.green('wrote')} ${change.path}  ${pc.dim(change.why)}`);
  }
  finish(out, pc, plan, install.length === 0 && plan.changes.length === 0, false);
}

function finish(
  out: (line?: string) => void,
  pc: Colors,
  plan: ReturnType<typeof makePlan>,
  unchanged: boolean,
  dryRun: boolean,
) {
  if (unchanged) out('Nothing to change: directory sync is already set up in this app.');
  for (const note of plan.notes) out(`${pc.yellow('note')} ${note}`);
  if (plan.manual.length > 0) {
    out();
    out('To do by hand:');
    for (const item of plan.manual) out(`  - ${item}`);
  }
  if (dryRun) {
    out();
    out('Dry run: nothing was written.');
    return;
  }
  out();
  out('Next:');
  out('  1. Fill in the SCALEKIT_* values in .env (Scalekit dashboard; the app reads them from its environment).');
  if (plan.migrate.length > 0) out(`  2. Migrate the bookkeeping tables: ${plan.migrate.join(' && ')}`);
  else if (plan.noMigration !== undefined) out(`  2. ${plan.noMigration}`);
  out("  3. Point Scalekit's webhook at https://<your app>/webhooks/scalekit, then run `scim doctor`.");
}
