import { timingSafeEqual } from 'node:crypto';
import type { ScimEngine, ScimLogger } from '@scim/core';
import { scimWebhookPlugin } from '@scim/http-fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { UserService } from './users/user-service.js';

/** The app's pino logger, in the shape @scim/core logs to. */
export function scimLogger(log: FastifyBaseLogger): ScimLogger {
  return {
    debug: (message, fields) => log.debug(fields ?? {}, message),
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
}

function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${expected}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface AppDependencies {
  userService: UserService;
  /** Absent until the SCIM integration is set up (it needs the app's logger). */
  scim: () => ScimEngine;
  adminToken: string | undefined;
}

export function buildApp(logLevel: string): FastifyInstance {
  return Fastify({ logger: { level: logLevel } });
}

/** The app's routes: its own API, and the two SCIM routes added for directory sync. */
export async function registerRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  const { userService } = deps;

  // The app's own API (it existed before SCIM).
  app.get<{ Querystring: { organizationId?: string } }>('/api/users', async (request) => ({
    users: await userService.list(request.query.organizationId),
  }));
  app.post<{ Body: { email: string; name?: string } }>(
    '/api/users',
    {
      schema: {
        body: {
          type: 'object',
          required: ['email'],
          properties: { email: { type: 'string' }, name: { type: 'string' } },
        },
      },
    },
    async (request, reply) => reply.code(201).send(await userService.invite(request.body)),
  );
  app.get<{ Querystring: { organizationId: string } }>(
    '/api/groups',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['organizationId'],
          properties: { organizationId: { type: 'string' } },
        },
      },
    },
    async (request) => ({ groups: await userService.groups(request.query.organizationId) }),
  );
  app.get('/health', async () => ({ ok: true }));

  // Added for SCIM: Scalekit's webhook endpoint, and an admin route that reconciles on demand.
  await app.register(scimWebhookPlugin, { engine: deps.scim(), prefix: '/webhooks/scalekit', path: '/' });
  app.post<{ Body: { organizationId: string; mode?: 'full' | 'incremental'; dryRun?: boolean } }>(
    '/admin/sync',
    {
      schema: {
        body: {
          type: 'object',
          required: ['organizationId'],
          properties: {
            organizationId: { type: 'string' },
            mode: { enum: ['full', 'incremental'] },
            dryRun: { type: 'boolean' },
          },
        },
      },
    },
    async (request, reply) => {
      if (deps.adminToken === undefined || !sameToken(request.headers.authorization, deps.adminToken)) {
        return reply.code(401).send({ error: 'unauthorized' });
      }
      const report = await deps.scim().sync({
        organizationId: request.body.organizationId,
        mode: request.body.mode ?? 'full',
        dryRun: request.body.dryRun ?? false,
      });
      return { ...report, plan: undefined };
    },
  );
}
