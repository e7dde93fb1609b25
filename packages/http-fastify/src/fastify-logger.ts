import type { LogFields, ScimLogger } from '@scim/core';
import type { FastifyBaseLogger } from 'fastify';

/** Core's logger shape over Fastify's pino-style logger, which takes the fields first. */
export function fromFastifyLogger(log: FastifyBaseLogger): ScimLogger {
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) =>
    log[level](fields ?? {}, message);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
