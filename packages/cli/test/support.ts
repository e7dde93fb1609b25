import { PassThrough } from 'node:stream';
import type { CliIO } from '../src/io.js';

/** A CliIO whose output is collected as text, for checking what a command printed. */
export function captureIO(options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean } = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty ?? false, columns: 100 });
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  const stdin = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const io: CliIO = { stdout, stderr, stdin, env: options.env ?? {}, cwd: options.cwd ?? process.cwd() };
  return {
    io,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

/** The counts of a row of `scim sync`'s table of changes ("created   40   4"): users, then groups (`-`: NaN). */
export function row(out: string, name: string): number[] {
  const line = out.split('\n').find((l) => l.trim().startsWith(`${name} `));
  if (line === undefined) throw new Error(`no "${name}" row in:\n${out}`);
  return line
    .replace(name, '')
    .trim()
    .split(/\s+/)
    .map((cell) => (cell === '-' ? Number.NaN : Number(cell)));
}

/**
 * The ids of `scim doctor`'s checks, in order, for a setup with one organization; `harmless` is there when the
 * route took the signed probe and the app's database could be read.
 */
export function doctorCheckIds(organizationId: string, options: { harmless: boolean }): string[] {
  return [
    'env.SCALEKIT_ENVIRONMENT_URL',
    'env.SCALEKIT_CLIENT_ID',
    'env.SCALEKIT_CLIENT_SECRET',
    'env.SCALEKIT_WEBHOOK_SECRET',
    'scalekit.credentials',
    `scalekit.organization.${organizationId}`,
    'database',
    'webhook.signed',
    'webhook.wrong-signature',
    ...(options.harmless ? ['webhook.harmless'] : []),
    'clock',
  ];
}
