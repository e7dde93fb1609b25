import { timingSafeEqual } from 'node:crypto';
import type { ScimEngine, ScimLogger } from '@scim/core';
import { scimRouter } from '@scim/http-express';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { UserService } from './users/user-service.js';

function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${expected}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface AppDependencies {
  userService: UserService;
  scim: ScimEngine;
  adminToken: string | undefined;
  logger: ScimLogger;
}

/** The app: its own API, and the two SCIM routes added for directory sync. */
export function buildApp(deps: AppDependencies): Express {
  const { userService } = deps;
  const app = express();
  app.disable('x-powered-by');

  // Added for SCIM: Scalekit's webhook endpoint. It reads the raw body itself (the signature covers the
  // exact bytes), so it goes before the app's JSON parser.
  app.use('/webhooks/scalekit', scimRouter(deps.scim, { logger: deps.logger }));

  app.use(express.json());

  // The app's own API (it existed before SCIM).
  app.get('/api/users', async (req, res) => {
    const { organizationId } = req.query;
    res.json({ users: await userService.list(typeof organizationId === 'string' ? organizationId : undefined) });
  });
  app.post('/api/users', async (req, res) => {
    const body: unknown = req.body;
    if (
      !isRecord(body) ||
      typeof body.email !== 'string' ||
      (body.name !== undefined && typeof body.name !== 'string')
    ) {
      res.status(400).json({ error: 'expected { email: string, name?: string }' });
      return;
    }
    res.status(201).json(await userService.invite({ email: body.email, name: body.name }));
  });
  app.get('/api/groups', async (req, res) => {
    const { organizationId } = req.query;
    if (typeof organizationId !== 'string') {
      res.status(400).json({ error: 'organizationId is required' });
      return;
    }
    res.json({ groups: await userService.groups(organizationId) });
  });
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  // Added for SCIM: an admin route that reconciles one organization on demand.
  app.post('/admin/sync', async (req, res) => {
    if (deps.adminToken === undefined || !sameToken(req.headers.authorization, deps.adminToken)) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    const body: unknown = req.body;
    const mode = isRecord(body) ? (body.mode ?? 'full') : undefined;
    const dryRun = isRecord(body) ? (body.dryRun ?? false) : undefined;
    if (
      !isRecord(body) ||
      typeof body.organizationId !== 'string' ||
      (mode !== 'full' && mode !== 'incremental') ||
      typeof dryRun !== 'boolean'
    ) {
      res
        .status(400)
        .json({ error: "expected { organizationId: string, mode?: 'full' | 'incremental', dryRun?: boolean }" });
      return;
    }
    const report = await deps.scim.sync({ organizationId: body.organizationId, mode, dryRun });
    res.json({ ...report, plan: undefined });
  });

  // Express 5 hands a rejected handler's error here; the client gets no internals.
  const onError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = isRecord(error) && typeof error.status === 'number' && error.status < 500 ? error.status : 500;
    if (status >= 500) {
      deps.logger.error('request failed', { error: error instanceof Error ? error.message : String(error) });
    }
    res.status(status).json({ error: status >= 500 ? 'internal error' : 'bad request' });
  };
  app.use(onError);
  return app;
}
