import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { CliError, explainError } from './errors.js';
import { type CliIO, processIO } from './io.js';
import { VERSION } from './version.js';

/**
 * Runs `scim` with the given arguments and answers the exit code. Nothing here calls
 * process.exit: the bin sets process.exitCode, and tests call run() directly.
 */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = new Command('scim')
    .description('Directory sync for your app: set it up, check it, run it, and see what it did.')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .showHelpAfterError('(run `scim --help` for the commands and their options)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  for (const register of commands) register(program, io);

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (an unknown flag, a missing argument) or the help.
    return error.exitCode === 0 ? 0 : 1;
  }
  if (error instanceof CliError) {
    // An empty message: the command has said everything already (a failed checklist) and only sets the code.
    if (error.message !== '') {
      io.stderr.write(`scim: ${explainError(error).join('\n')}\n`);
      if (error.hint) io.stderr.write(`${error.hint}\n`);
    }
    return error.exitCode;
  }
  io.stderr.write(`scim: ${explainError(error).join('\n')}\n`);
  return 1;
}
