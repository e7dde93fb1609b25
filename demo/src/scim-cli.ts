import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** The `scim` bin of @scim/cli, as `npx scim` runs it in an app. */
export const SCIM_BIN = join(dirname(require.resolve('@scim/cli/package.json')), 'bin/scim.mjs');

export interface ScimRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `scim <args>` in the app's folder, with the app's environment, as an operator would. */
export function runScim(args: readonly string[], options: { cwd: string; env: Record<string, string | undefined> }) {
  return new Promise<ScimRun>((resolve) => {
    execFile(
      process.execPath,
      [SCIM_BIN, ...args],
      { cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
