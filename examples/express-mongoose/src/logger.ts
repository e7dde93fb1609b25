import type { LogFields, ScimLogger } from '@scim/core';
import type { LogLevel } from './config.js';

const ORDER = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 } as const;

/**
 * The app's logger: one JSON line per entry on stderr (stdout carries only the `listening on` line).
 * It has the shape @scim/core logs to, so the SDK's entries land beside the app's.
 */
export function createLogger(level: LogLevel): ScimLogger {
  const write =
    (name: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: LogFields): void => {
      if (ORDER[name] < ORDER[level]) return;
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: name, message, ...fields })}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
