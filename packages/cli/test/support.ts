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
