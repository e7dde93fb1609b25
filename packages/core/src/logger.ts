/** Structured fields attached to a log line. Never put secrets or whole payloads here. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface ScimLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const noop = () => {};

/** Drops everything. */
export const silentLogger: ScimLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** Writes warnings and errors to the console; the default logger of the engine. */
export function consoleLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'warn'): ScimLogger {
  const order = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  const min = order[level];
  const write =
    (name: keyof typeof order, sink: (...args: unknown[]) => void) => (message: string, fields?: LogFields) => {
      if (order[name] < min) return;
      if (fields === undefined) sink(`[scim] ${message}`);
      else sink(`[scim] ${message}`, fields);
    };
  return {
    debug: write('debug', console.debug),
    info: write('info', console.info),
    warn: write('warn', console.warn),
    error: write('error', console.error),
  };
}
