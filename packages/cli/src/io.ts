/**
 * Where a command reads and writes. The bin passes the process's own streams; tests pass
 * their own, so that output is checked for content and a TTY can be simulated.
 */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Interactive prompts and live progress only on a terminal, never in CI. */
export function isInteractive(io: CliIO): boolean {
  return Boolean(io.stdout.isTTY && io.stdin.isTTY) && !io.env.CI;
}
