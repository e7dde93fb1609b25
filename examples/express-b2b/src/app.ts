import { timingSafeEqual } from 'node:crypto';
import { type InboxStatus, type ScimEngine, ScimError, type ScimLogger } from '@scim/core';
import { scimRouter } from '@scim/http-express';
import express, {
  type ErrorRequestHandler,
  type Express,
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import { DomainError, type Organizations } from './organizations/organizations.js';
import type { UserQueries } from './users/user-queries.js';
import { APP, type Db, UserError, type UserService } from './users/user-service.js';

function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${expected}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

function queryString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

const STATUSES: readonly InboxStatus[] = ['pending', 'applied', 'stale', 'ignored', 'unknown_type', 'rejected'];

/** The service's refusals, as HTTP answers. */
const USER_ERROR_STATUS = {
  EMAIL_INVALID: 400,
  EMAIL_TAKEN: 409,
  DOMAIN_CLAIMED: 409,
  NOT_FOUND: 404,
  NOT_A_MEMBER: 404,
};

export interface AppDependencies {
  users: UserService;
  queries: UserQueries;
  organizations: Organizations;
  scim: ScimEngine<Db>;
  adminToken: string | undefined;
  logger: ScimLogger;
}

/** The app's routes: its own API, the admin routes, and Scalekit's webhook endpoint. */
export function buildApp(deps: AppDependencies): Express {
  const { users, queries, organizations, logger } = deps;
  const app = express();
  app.disable('x-powered-by');

  const api = express.Router();
  api.use(express.json());
  api.get('/users', async (req: Request, res: Response) => {
    const organizationId = queryString(req.query.organizationId);
    res.json({ users: organizationId === undefined ? await queries.users() : await queries.members(organizationId) });
  });
  // Sign-up: a person with no organization yet.
  api.post('/users', async (req: Request, res: Response) => {
    const body = req.body as { email?: unknown; name?: unknown } | undefined;
    if (typeof body?.email !== 'string' || !optionalString(body.name)) {
      res.status(400).json({ error: 'email (a string) is required; name is an optional string' });
      return;
    }
    const user = await users.createUser({ email: body.email, name: (body.name as string | undefined) ?? null }, APP);
    res.status(201).json({ id: user.id });
  });
  // Invitation: adds a person (created if new) to an organization.
  api.post('/organizations/:organizationId/members', async (req: Request, res: Response) => {
    const body = req.body as { email?: unknown; name?: unknown; role?: unknown } | undefined;
    if (
      typeof body?.email !== 'string' ||
      !optionalString(body.name) ||
      (body.role !== undefined && body.role !== 'admin' && body.role !== 'member')
    ) {
      res.status(400).json({ error: "email (a string) is required; name is a string; role is 'admin' or 'member'" });
      return;
    }
    const { email, name, role } = body as { email: string; name?: string; role?: string };
    const organizationId = String(req.params.organizationId);
    const member = await users.inTransaction(async (db) => {
      const user =
        (await users.findByEmail(email, db)) ?? (await users.createUser({ email, name: name ?? null }, APP, db));
      return users.addMember(user.id, organizationId, role === undefined ? {} : { role }, APP, db);
    });
    res.status(201).json({ userId: member.userId, organizationId, role: member.role, active: member.active });
  });
  api.get('/groups', async (req: Request, res: Response) => {
    const organizationId = queryString(req.query.organizationId);
    if (organizationId === undefined) {
      res.status(400).json({ error: 'organizationId is required' });
      return;
    }
    res.json({ groups: await queries.groups(organizationId) });
  });
  api.get('/audit-log', async (req: Request, res: Response) => {
    const userId = queryString(req.query.userId);
    if (userId !== undefined && !/^\d+$/.test(userId)) {
      res.status(400).json({ error: 'userId is a number' });
      return;
    }
    const entries = await queries.auditLog({
      organizationId: queryString(req.query.organizationId),
      userId: userId === undefined ? undefined : Number(userId),
    });
    res.json({ entries });
  });
  app.use('/api', api);
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  // Scalekit's webhook endpoint. The binding reads the raw body itself (the signature covers those bytes);
  // the JSON parsers of /api and /admin never see it.
  app.use('/webhooks/scalekit', scimRouter(deps.scim, { logger }));

  const admin = express.Router();
  admin.use((req: Request, res: Response, next: NextFunction) => {
    if (deps.adminToken === undefined || !sameToken(req.headers.authorization, deps.adminToken)) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    next();
  });
  admin.use(express.json());
  admin.post('/sync', async (req: Request, res: Response) => {
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
  // Directory events the app refused for good (and the others), newest first; a replay after a fix.
  admin.get('/scim/events', async (req: Request, res: Response) => {
    const status = queryString(req.query.status);
    const limit = Number(queryString(req.query.limit) ?? 100);
    if ((status !== undefined && !STATUSES.includes(status as InboxStatus)) || !(limit >= 1 && limit <= 1000)) {
      res.status(400).json({ error: `status is one of ${STATUSES.join(', ')}; limit is 1 to 1000` });
      return;
    }
    const organizationId = queryString(req.query.organizationId);
    const events = await deps.scim.events({
      limit,
      ...(status === undefined ? {} : { status: status as InboxStatus }),
      ...(organizationId === undefined ? {} : { organizationId }),
    });
    res.json({ events: events.map(({ payload: _payload, ...event }) => event) });
  });
  admin.post('/scim/events/:eventId/replay', async (req: Request, res: Response) => {
    res.json(await deps.scim.replay(String(req.params.eventId)));
  });
  admin.post('/organizations/:organizationId/domains', async (req: Request, res: Response) => {
    const body = req.body as { domain?: unknown } | undefined;
    if (typeof body?.domain !== 'string') {
      res.status(400).json({ error: 'domain (a string) is required' });
      return;
    }
    const organizationId = String(req.params.organizationId);
    const domain = await organizations.verifyDomain(organizationId, body.domain);
    res.status(201).json({ organizationId, domain });
  });
  admin.put('/organizations/:organizationId/settings', async (req: Request, res: Response) => {
    const body = req.body as { emailFromUsername?: unknown } | undefined;
    if (typeof body?.emailFromUsername !== 'boolean') {
      res.status(400).json({ error: 'emailFromUsername (a boolean) is required' });
      return;
    }
    res.json(
      await organizations.updateSettings(String(req.params.organizationId), {
        emailFromUsername: body.emailFromUsername,
      }),
    );
  });
  app.use('/admin', admin);

  // Express 5 passes rejected handlers here.
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    let status = 500;
    let body: Record<string, unknown> = { error: 'internal' };
    if (error instanceof UserError) {
      status = USER_ERROR_STATUS[error.code];
      body = { error: error.code, message: error.message };
    } else if (error instanceof DomainError) {
      status = error.code === 'DOMAIN_TAKEN' ? 409 : 400;
      body = { error: error.code, message: error.message };
    } else if (error instanceof ScimError) {
      status = error.status ?? 500;
      body = { error: error.code, message: error.message };
    }
    logger[status >= 500 ? 'error' : 'warn']('request failed', {
      method: req.method,
      path: req.path,
      status,
      error: error instanceof Error ? error.message : String(error),
    });
    if (!res.headersSent) res.status(status).json(body);
  };
  app.use(onError);
  return app;
}
