import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore from 'ignore';
import type { FileChange } from './schema.js';

export const SCALEKIT_VARIABLES = [
  ['SCALEKIT_ENVIRONMENT_URL', 'Scalekit dashboard > Developers > Settings, e.g. https://your-env.scalekit.com'],
  ['SCALEKIT_CLIENT_ID', 'Scalekit dashboard > Developers > Settings > API credentials'],
  ['SCALEKIT_CLIENT_SECRET', 'Scalekit dashboard > Developers > Settings > API credentials'],
  ['SCALEKIT_WEBHOOK_SECRET', 'Scalekit dashboard > Webhooks: the endpoint signing secret (whsec_...)'],
] as const;

function read(root: string, path: string): string | undefined {
  const full = join(root, path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

function declares(text: string, name: string): boolean {
  return new RegExp(`^\\s*(export\\s+)?${name}\\s*=`, 'm').test(text);
}

function appendLines(text: string | undefined, lines: string[]): string {
  const base = text === undefined || text === '' ? '' : text.endsWith('\n') ? text : `${text}\n`;
  return `${base}${base === '' ? '' : '\n'}${lines.join('\n')}\n`;
}

/**
 * The four SCALEKIT_* names: added empty to .env where they are missing (a value already there is never
 * touched, and no value is ever read back or printed), documented in .env.example, and .env kept out of git.
 */
export function envChanges(root: string): FileChange[] {
  const changes: FileChange[] = [];
  const env = read(root, '.env');
  const missing = SCALEKIT_VARIABLES.filter(([name]) => env === undefined || !declares(env, name));
  if (missing.length > 0) {
    changes.push({
      path: '.env',
      content: appendLines(env, [
        '# Scalekit (scim init): fill in, never commit',
        ...missing.map(([name]) => `${name}=`),
      ]),
      why: `${missing.map(([name]) => name).join(', ')} (empty)`,
    });
  }
  const example = read(root, '.env.example');
  const undocumented = SCALEKIT_VARIABLES.filter(([name]) => example === undefined || !declares(example, name));
  if (undocumented.length > 0) {
    changes.push({
      path: '.env.example',
      content: appendLines(
        example,
        undocumented.flatMap(([name, where]) => [`# ${where}`, `${name}=`]),
      ),
      why: 'the SCALEKIT_* variables, documented',
    });
  }
  const gitignore = read(root, '.gitignore');
  if (gitignore === undefined || !ignore().add(gitignore).ignores('.env')) {
    changes.push({
      path: '.gitignore',
      content: appendLines(gitignore, ['# secrets (scim init)', '.env']),
      why: '.env kept out of git',
    });
  }
  return changes;
}
