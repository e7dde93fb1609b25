import { timingSafeEqual } from 'node:crypto';
import { type ScimEngine, ScimError, type ScimLogger } from '@scim/core';
import { scimRouter } from '@scim/http-express';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type { UserService } from './users/user-service.js';

function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${expected}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

function queryString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export interface AppDependencies {
  userService: UserService;
  scim: ScimEngine;
  adminToken: string | undefined;
  logger: ScimLogger;
}

/** The app's routes: its own API, and the two SCIM routes added for directory sync. */
export function buildApp(deps: AppDependencies): Express {
  const { userService, logger } = deps;
  const app = express();
  app.disable('x-powered-by');

  // The app's own API (it existed before SCIM), with its own JSON body parser.
  const api = express.Router();
  api.use(express.json());
  api.get('/users', async (req: Request, res: Response) => {
    res.json({ users: await userService.list(queryString(req.query.organizationId)) });
  });
  api.post('/users', async (req: Request, res: Response) => {
    const body = req.body as { email?: unknown; name?: unknown } | undefined;
    if (typeof body?.email !== 'string' || (body.name !== undefined && typeof body.name !== 'string')) {
      res.status(400).json({ error: 'email (a string) is required; name is an optional string' });
      return;
    }
    res.status(201).json(await userService.invite({ email: body.email, name: body.name }));
  });
  api.get('/groups', async (req: Request, res: Response) => {
    const organizationId = queryString(req.query.organizationId);
    if (organizationId === undefined) {
      res.status(400).json({ error: 'organizationId is required' });
      return;
    }
    res.json({ groups: await userService.groups(organizationId) });
  });
  app.use('/api', api);
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  // Added for SCIM: Scalekit's webhook endpoint. The binding reads the raw body itself (the signature
  // covers those bytes); the API's express.json() above is scoped to /api and never sees it.
  app.use('/webhooks/scalekit', scimRouter(deps.scim, { logger }));

  // Added for SCIM: an admin route that reconciles an organization on demand.
  app.post('/admin/sync', express.json(), async (req: Request, res: Response) => {
    if (deps.adminToken === undefined || !sameToken(req.headers.authorization, deps.adminToken)) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    const body = req.body as { organizationId?: unknown; mode?: unknown; dryRun?: unknown } | undefined;
    const mode = body?.mode ?? 'full';
    if (
      typeof body?.organizationId !== 'string' ||
      (mode !== 'full' && mode !== 'incremental') ||
      (body.dryRun !== undefined && typeof body.dryRun !== 'boolean')
    ) {
      res.status(400).json({ error: "organizationId (a string) is required; mode is 'full' or 'incremental'" });
      return;
    }
    const report = await deps.scim.sync({ organizationId: body.organizationId, mode, dryRun: body.dryRun ?? false });
    res.json({ ...report, plan: undefined });
  });

  // Express 5 passes rejected handlers here: an engine error keeps its status, anything else is a 500.
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = error instanceof ScimError && error.status !== undefined ? error.status : 500;
    logger.error('request failed', {
      method: req.method,
      path: req.path,
      status,
      error: error instanceof Error ? error.message : String(error),
    });
    if (res.headersSent) return;
    res
      .status(status)
      .json(error instanceof ScimError ? { error: error.code, message: error.message } : { error: 'internal' });
  };
  app.use(onError);
  return app;
}
