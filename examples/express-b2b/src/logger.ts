import type { ScimLogger } from '@scim/core';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * The app's logger: one JSON line per entry on stderr, below `level` dropped. `silent` drops everything;
 * unknown levels mean `info`.
 */
export function appLogger(level: string): ScimLogger {
  const min = level === 'silent' ? LEVELS.length : Math.max(0, LEVELS.indexOf(level as Level));
  const write = (name: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(name) < min) return;
    process.stderr.write(`${JSON.stringify({ level: name, time: new Date().toISOString(), message, ...fields })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
