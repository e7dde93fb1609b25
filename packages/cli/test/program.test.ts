import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ScimError } from '@scim/core';
import { describe, expect, it } from 'vitest';
import { CliError, explainError } from '../src/errors.js';
import { run } from '../src/program.js';
import { captureIO } from './support.js';

describe('scim', () => {
  it('refuses an unknown flag with a clear message and exit code 1', async () => {
    const cli = captureIO();
    expect(await run(['--no-such-flag'], cli.io)).toBe(1);
    expect(cli.err).toContain("unknown option '--no-such-flag'");
    expect(cli.err).toContain('scim --help');
  });

  it('prints its version', async () => {
    const cli = captureIO();
    expect(await run(['--version'], cli.io)).toBe(0);
    expect(cli.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('explains an error with its code and every cause', () => {
    const driver = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const storage = new ScimError('STORAGE_FAILURE', 'the store could not be reached', { cause: driver });
    const lines = explainError(new CliError('status failed', { cause: storage }));
    expect(lines).toEqual([
      'status failed',
      '  caused by: the store could not be reached [STORAGE_FAILURE]',
      '    caused by: connect ECONNREFUSED 127.0.0.1:5432 [ECONNREFUSED]',
    ]);
  });

  it('runs as the built bin', async () => {
    const bin = fileURLToPath(new URL('../bin/scim.mjs', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--help']);
    expect(stdout).toContain('Usage: scim');
  });
});
