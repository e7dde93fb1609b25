import { Option } from 'commander';
import { doctorJson, doctorText } from '../doctor/report.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { CliError } from '../errors.js';
import type { RegisterCommand } from './types.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const registerDoctor: RegisterCommand = (program, io) => {
  program
    .command('doctor')
    .description(
      'Check the setup end to end: SCALEKIT_* variables, the credentials and the directories, the database, the webhook route, the clock.',
    )
    .option('-c, --config <path>', 'the scim.config module (default: scim.config.* in this folder)')
    .option('--url <webhookUrl>', "the app's webhook URL (default: webhookUrl of scim.config)")
    .addOption(
      new Option(
        '--org <id>',
        'an organization to look up in Scalekit (repeatable; default: organizations() of scim.config)',
      ).argParser(collect),
    )
    .option('--json', 'print the checklist as JSON, for CI')
    .action(async (options: { config?: string; url?: string; org?: string[]; json?: boolean }) => {
      if (options.url !== undefined && !URL.canParse(options.url)) {
        throw new CliError(`--url ${options.url} is not a URL`, {
          hint: 'e.g. --url http://localhost:3000/webhooks/scalekit',
        });
      }
      const results = await runDoctor(io, {
        ...(options.config === undefined ? {} : { config: options.config }),
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.org === undefined ? {} : { orgs: options.org }),
      });
      io.stdout.write(
        options.json ? doctorJson(results) : doctorText(results, Boolean(io.stdout.isTTY) && !io.env.NO_COLOR),
      );
      if (results.some((r) => r.status === 'fail')) throw new CliError('', { exitCode: 1 });
    });
};
