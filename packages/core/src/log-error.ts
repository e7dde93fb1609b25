import { isScimError } from './errors.js';
import type { LogFields } from './logger.js';
import { redact, sensitiveValues } from './redact.js';

const MAX_MESSAGE = 200;
const MAX_DEPTH = 4;

function line(error: unknown, values: readonly string[]): string {
  if (!(error instanceof Error))
    return typeof error === 'string' ? redact(error, values).slice(0, MAX_MESSAGE) : typeof error;
  const code = (error as { code?: unknown }).code;
  const tag = typeof code === 'string' || typeof code === 'number' ? `${error.name}[${code}]` : error.name;
  return error.message === '' ? tag : `${tag}: ${redact(error.message, values).slice(0, MAX_MESSAGE)}`;
}

/** The first code a driver put on the error or one of its causes (`23505`, `P2002`, `ER_DUP_ENTRY`, ...). */
function driverCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && current instanceof Error; depth++) {
    if (!isScimError(current)) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string' || typeof code === 'number') return String(code);
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * Log fields that say why something failed: the SDK's stable code, the error's own line and those of
 * its causes (the adapter's or the app's message, the driver's code). Messages are cut short, and the
 * engine's secrets and the values of the failed change (`markSensitive`) are blanked out of them.
 */
export function describeError(error: unknown): LogFields {
  const values = sensitiveValues(error);
  const causes: string[] = [];
  let current: unknown = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; depth < MAX_DEPTH && current !== undefined && current !== null; depth++) {
    causes.push(line(current, values));
    current = current instanceof Error ? current.cause : undefined;
  }
  return {
    code: isScimError(error) ? error.code : undefined,
    error: line(error, values),
    cause: causes.length === 0 ? undefined : causes.join(' <- '),
    driverCode: driverCode(error),
  };
}

const MAX_REASON = 500;

/** Why a change was refused, as the inbox keeps it: codes and messages, secrets and the change's values blanked. */
export function rejectionReason(error: unknown): string {
  const { code, error: line, cause, driverCode } = describeError(error);
  const parts = [code === undefined ? undefined : String(code), String(line)];
  if (cause !== undefined) parts.push(`caused by ${String(cause)}`);
  if (driverCode !== undefined && !String(cause ?? line).includes(String(driverCode)))
    parts.push(`driver code ${driverCode}`);
  return parts
    .filter((p) => p !== undefined)
    .join(': ')
    .slice(0, MAX_REASON);
}
