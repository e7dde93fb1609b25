import { ScimError } from '@scim/core';

/**
 * A mistake the user can fix (a flag, a missing variable, an unknown organization). It is
 * printed as its message and its hint, without a stack trace, and the command exits 1.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/**
 * The lines that explain an error: its message, its stable code when it is a ScimError, then
 * each cause in turn (a driver's message, a gRPC status), so that nothing a user needs is lost.
 */
export function explainError(error: unknown): string[] {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  let depth = 0;
  while (current !== undefined && current !== null && !seen.has(current) && depth < 8) {
    seen.add(current);
    const prefix = depth === 0 ? '' : `${'  '.repeat(depth)}caused by: `;
    if (current instanceof Error) {
      const code = current instanceof ScimError ? ` [${current.code}]` : codeOf(current);
      lines.push(`${prefix}${current.message}${code}`);
      current = (current as { cause?: unknown }).cause;
    } else {
      lines.push(`${prefix}${String(current)}`);
      current = undefined;
    }
    depth += 1;
  }
  return lines;
}

function codeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? ` [${code}]` : '';
}
