import { randomBytes } from 'node:crypto';
import type { ScimEngine } from '@scim/core';
import { generateWebhookSecret, signWebhook } from '@scim/core/testing';
import { PROBE_ORGANIZATION } from './database-check.js';
import { rootMessage } from './error-facts.js';
import { type CheckResult, check } from './types.js';

/** An event type no Scalekit sends: the engine records it as `unknown_type`, acknowledges it, and applies nothing. */
export const PROBE_EVENT_TYPE = 'scim.doctor.probe';
const TIMEOUT_MS = 15_000;

interface Answer {
  status: number;
  body: { status?: string; code?: string; message?: string; eventId?: string } | undefined;
  /** The app's clock (its `Date` header) and the local time the answer arrived. */
  date: Date | undefined;
  receivedAt: number;
}

/**
 * The probe delivery. Indented on purpose: a route that verifies a re-serialised body (`JSON.stringify(req.body)`
 * after `express.json()`) sees different bytes and fails, where the compact form would have passed.
 */
function probeBody(id: string, now: number): string {
  const event = {
    spec_version: '1',
    id,
    type: PROBE_EVENT_TYPE,
    occurred_at: new Date(now).toISOString(),
    environment_id: 'env_scimdoctorprobe',
    organization_id: PROBE_ORGANIZATION,
    object: 'DoctorProbe',
    display_name: 'scim doctor probe',
    data: { note: 'sent by scim doctor: an unknown event type is recorded and changes nothing' },
  };
  return `${JSON.stringify(event, null, 2)}\n`;
}

function probeId(): string {
  return `evt_scimdoctor${randomBytes(8).toString('hex')}`;
}

async function deliver(url: string, id: string, body: string, secret: string, now: number): Promise<Answer> {
  const timestamp = Math.floor(now / 1000);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'scim-doctor',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ secret, id, timestamp, body }),
    },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const receivedAt = Date.now();
  const text = await response.text();
  let parsed: Answer['body'];
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as Answer['body']);
  } catch {
    parsed = undefined;
  }
  const header = response.headers.get('date');
  return { status: response.status, body: parsed, date: header ? new Date(header) : undefined, receivedAt };
}

function described(answer: Answer): string {
  const parts = [String(answer.status)];
  if (answer.body?.status) parts.push(answer.body.status);
  if (answer.body?.code) parts.push(answer.body.code);
  return parts.join(' ');
}

function mountHint(url: string): string {
  const path = new URL(url).pathname;
  return (
    `Mount the webhook route at ${path} before the app's body parsers: ` +
    `app.use('${path}', scimRouter(engine)) with @scim/http-express, ` +
    `or app.register(scimWebhookPlugin, { prefix: '${path}', engine }) with @scim/http-fastify; or pass the right --url.`
  );
}

const PARSER_FIX =
  'A body parser (express.json(), bodyParser.json(), express.text()) runs before the webhook route, so the bytes ' +
  'Scalekit signed are gone. Mount the route before it (app.use(path, scimRouter(engine)) above app.use(express.json())), ' +
  "or give the route express.raw({ type: '*/*' }).";

export interface WebhookCheckResult {
  results: CheckResult[];
  /** The app's clock from its answer, for the clock check. */
  appClock?: { date: Date; receivedAt: number };
}

/**
 * Sends the app's webhook route a correctly signed probe (expect 2xx) and one signed with another secret
 * (expect 400), and, when the app's database is at hand, checks that the probe was recorded as an unknown
 * event and nothing else changed.
 */
export async function checkWebhook(input: {
  url: string;
  secret: string;
  engine: ScimEngine | undefined;
  now: () => number;
}): Promise<WebhookCheckResult> {
  const { url, secret, engine, now } = input;
  const title = `Webhook route ${url}`;
  const signedId = probeId();
  let signed: Answer;
  try {
    signed = await deliver(url, signedId, probeBody(signedId, now()), secret, now());
  } catch (error) {
    return {
      results: [
        check('webhook.signed', title, 'fail', `cannot be reached (${rootMessage(error)})`, {
          fix: 'Start the app, and check the URL (--url, or webhookUrl in scim.config).',
        }),
        skipped('webhook.wrong-signature', 'the route cannot be reached'),
      ],
    };
  }
  const appClock = signed.date ? { date: signed.date, receivedAt: signed.receivedAt } : undefined;
  const accepted: string[] = [];
  const signedLine = await judgeSigned(url, title, signed, secret, now, accepted);
  accepted.unshift(...(signed.status >= 200 && signed.status < 300 ? [signedId] : []));
  // A route that cannot take a good delivery (not mounted, no raw body, no secret) says nothing about a bad one.
  if (signed.status !== 400 && (signed.status < 200 || signed.status >= 300)) {
    return {
      results: [signedLine, skipped('webhook.wrong-signature', 'the route did not take the correctly signed one')],
      ...(appClock ? { appClock } : {}),
    };
  }

  const wrongId = probeId();
  let wrong: Answer | undefined;
  let wrongLine: CheckResult;
  try {
    wrong = await deliver(url, wrongId, probeBody(wrongId, now()), generateWebhookSecret(), now());
    wrongLine =
      wrong.status === 400
        ? check('webhook.wrong-signature', 'Wrongly signed delivery', 'pass', `rejected (${described(wrong)})`)
        : wrong.status >= 200 && wrong.status < 300
          ? check(
              'webhook.wrong-signature',
              'Wrongly signed delivery',
              'fail',
              `ACCEPTED (${described(wrong)}): anyone can send this app directory changes`,
              {
                fix: 'The route must verify signatures: serve it with scimRouter/scimWebhook (@scim/http-express), @scim/http-fastify, or engine.handleWebhook({ headers, rawBody }).',
              },
            )
          : check(
              'webhook.wrong-signature',
              'Wrongly signed delivery',
              'fail',
              `answered ${described(wrong)}, expected 400`,
              {
                fix: 'A delivery with a bad signature must get 400 (Scalekit does not retry it).',
              },
            );
  } catch (error) {
    wrongLine = check(
      'webhook.wrong-signature',
      'Wrongly signed delivery',
      'fail',
      `no answer (${rootMessage(error)})`,
    );
  }

  const results = [signedLine, wrongLine];
  if (engine !== undefined && accepted.length > 0) results.push(await harmless(engine, accepted, wrongId));
  return { results, ...(appClock ? { appClock } : {}) };
}

function skipped(id: string, why: string): CheckResult {
  return check(id, 'Wrongly signed delivery', 'skip', `not tried: ${why}`);
}

async function judgeSigned(
  url: string,
  title: string,
  answer: Answer,
  secret: string,
  now: () => number,
  accepted: string[],
): Promise<CheckResult> {
  const id = 'webhook.signed';
  if (answer.status >= 200 && answer.status < 300) {
    return check(id, title, 'pass', `a correctly signed delivery got ${described(answer)}`, {
      data: { status: answer.status },
    });
  }
  if (answer.status === 404) {
    return check(id, title, 'fail', 'answered 404: the webhook route is not mounted at this path', {
      fix: mountHint(url),
    });
  }
  if (answer.status === 405) {
    return check(id, title, 'fail', 'answered 405: something else serves this path, not for POST', {
      fix: mountHint(url),
    });
  }
  const message = answer.body?.message ?? '';
  if (answer.status === 500 && answer.body?.code === 'CONFIGURATION_ERROR') {
    if (/raw request body|body parser/i.test(message)) {
      return check(id, title, 'fail', 'answered 500: a body parser consumed the raw body before the webhook route', {
        fix: PARSER_FIX,
      });
    }
    if (/secret/i.test(message)) {
      return check(id, title, 'fail', 'answered 500: the app has no webhook secret', {
        fix: 'Give the app SCALEKIT_WEBHOOK_SECRET (createScimEngine reads it, or pass webhookSecret) and restart it.',
      });
    }
  }
  if (answer.status === 400 && answer.body?.code === 'INVALID_SIGNATURE') {
    if (/timestamp/i.test(message)) {
      return check(id, title, 'fail', `answered 400: ${message}`, {
        fix: "The app's clock is off by more than the signature tolerance: sync it (NTP).",
      });
    }
    // The same event, compact: what JSON.stringify(req.body) would give. If that one passes, the route
    // verifies a re-serialised body rather than the bytes received.
    const compactId = probeId();
    const compact = JSON.stringify(JSON.parse(probeBody(compactId, now())));
    try {
      const again = await deliver(url, compactId, compact, secret, now());
      if (again.status >= 200 && again.status < 300) {
        accepted.push(compactId);
        return check(
          id,
          title,
          'fail',
          'a correctly signed delivery got 400: the route verifies a re-serialised body, not the bytes received',
          {
            fix: PARSER_FIX,
          },
        );
      }
    } catch {
      // The first answer stands.
    }
    return check(id, title, 'fail', 'a delivery signed with SCALEKIT_WEBHOOK_SECRET got 400 INVALID_SIGNATURE', {
      fix:
        'The app verifies with another secret than the one here: give the app and this shell the same ' +
        "SCALEKIT_WEBHOOK_SECRET (the endpoint's signing secret in Scalekit dashboard > Webhooks), and restart the app.",
    });
  }
  return check(id, title, 'fail', `a correctly signed delivery got ${described(answer)}, expected 2xx`, {
    fix: "See the app's logs for this delivery; a 5xx makes Scalekit retry, and a delivery given up is lost until the next sync.",
  });
}

/** The accepted probes are in the app's inbox as unknown events, the rejected one is not, and nothing else changed. */
async function harmless(engine: ScimEngine, accepted: readonly string[], rejectedId: string): Promise<CheckResult> {
  const id = 'webhook.harmless';
  const title = 'The probe changed nothing';
  try {
    const records = await engine.events({ organizationId: PROBE_ORGANIZATION, limit: 100 });
    const byId = new Map(records.map((r) => [r.id, r]));
    const missing = accepted.filter((eventId) => !byId.has(eventId));
    if (missing.length === accepted.length) {
      return check(
        id,
        title,
        'warn',
        'the probe is not in the database of scim.config: the app at this URL uses another database',
        {
          fix: 'Check that the app and scim.config read the same DATABASE_URL (or that --url is this app).',
        },
      );
    }
    const other = records.filter((r) => r.type !== PROBE_EVENT_TYPE || r.status !== 'unknown_type');
    const states = await engine.syncStatus(PROBE_ORGANIZATION);
    if (byId.has(rejectedId) || other.length > 0 || states.length > 0) {
      return check(id, title, 'fail', 'the probe organization has records other than acknowledged probes', {
        fix: "The route applied something it should only have recorded; check the app's engine and hooks.",
      });
    }
    return check(
      id,
      title,
      'pass',
      `recorded as unknown_type in the app's database (organization ${PROBE_ORGANIZATION}); no user, group or directory touched`,
    );
  } catch (error) {
    return check(id, title, 'warn', `could not read the app's inbox (${rootMessage(error)})`);
  }
}
