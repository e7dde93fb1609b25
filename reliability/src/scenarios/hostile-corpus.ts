import { createScimEngine, memoryAdapter, type ScimError } from '@scim/core';
import { generateWebhookSecret } from '@scim/core/testing';
import { BINDINGS, startApp } from '../apps.js';
import {
  capturingLogger,
  type HostileCategory,
  hostileRequests,
  NOW,
  NOW_SECONDS,
  send,
  signedDelivery,
  userCreated,
} from '../fixtures.js';
import { watchProcess } from '../process-watch.js';
import type { Scenario } from '../scenario.js';

const REPLAYS = 5;

export const hostileCorpusScenario: Scenario = {
  id: 'hostile-corpus',
  title: 'Hostile and broken requests over real HTTP',
  kind: 'correctness',
  injected:
    'Every request of the shared hostile corpus (bad, missing and repeated signature headers, replayed and future timestamps, truncated and non-UTF-8 bodies, deeply nested and huge JSON, prototype-pollution keys, wrong types, ids of another organization, oversized headers), sent over a real loopback connection to an Express and a Fastify app.',
  checked: `Each answer has the expected status (and error code where the binding answers), nothing reaches the store (no inbox record, no user), no uncaught exception or unhandled rejection, and a valid delivery afterwards is still answered 201 and the health route 200; that valid delivery, replayed ${REPLAYS} times inside the tolerance window, is answered 200 duplicate each time and recorded once.`,
  async run(r) {
    const secret = generateWebhookSecret();
    const corpus = hostileRequests(secret, NOW_SECONDS);
    r.figure('cases', corpus.length);
    const perCategory = new Map<HostileCategory, { cases: number; passed: Record<string, number> }>();
    const statuses = new Map<number, number>();
    const watch = watchProcess();
    try {
      for (const binding of BINDINGS) {
        const adapter = memoryAdapter();
        const { logger } = capturingLogger();
        const engine = createScimEngine({ adapter, webhookSecret: secret, logger, now: () => NOW });
        const errors: ScimError[] = [];
        const app = await startApp(binding, engine, { logger, onError: (error) => errors.push(error) });
        try {
          for (const hostile of corpus) {
            const row = perCategory.get(hostile.category) ?? { cases: 0, passed: {} };
            perCategory.set(hostile.category, row);
            if (binding === BINDINGS[0]) row.cases++;
            const answer = await send(app.url, { headers: hostile.headers, body: hostile.body });
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            let ok = r.equal(answer.status, hostile.status, `${binding}: "${hostile.name}" status`);
            if (hostile.code !== undefined) {
              const code = (answer.json as { code?: unknown } | undefined)?.code;
              ok = r.equal(code, hostile.code, `${binding}: "${hostile.name}" error code`) && ok;
            }
            ok = r.equal(adapter.inspect.inboxSize(), 0, `${binding}: inbox after "${hostile.name}"`) && ok;
            ok = r.equal(adapter.inspect.users().length, 0, `${binding}: users after "${hostile.name}"`) && ok;
            if (ok) row.passed[binding] = (row.passed[binding] ?? 0) + 1;
          }
          const answered = corpus.filter((hostile) => hostile.code !== undefined).length;
          r.equal(errors.length, answered, `${binding}: onError calls (one per request the binding refused)`);
          const health = await send(app.health, { method: 'GET' });
          r.equal(health.status, 200, `${binding}: health after the corpus`);
          const captured = signedDelivery(secret, userCreated());
          const valid = await send(app.url, captured);
          r.equal(valid.status, 201, `${binding}: a valid delivery after the corpus`);
          // A captured delivery replayed inside the tolerance window is a duplicate, never a second change.
          for (let replay = 0; replay < REPLAYS; replay++) {
            const again = await send(app.url, captured);
            r.equal(
              `${again.status} ${(again.json as { status?: string } | undefined)?.status}`,
              '200 duplicate',
              `${binding}: replay ${replay + 1}`,
            );
          }
          r.equal(adapter.inspect.inboxSize(), 1, `${binding}: inbox after the valid delivery and its replays`);
        } finally {
          await app.close();
        }
      }
    } finally {
      watch.stop();
    }
    for (const problem of watch.problems) r.check(false, problem);
    r.figure('uncaught exceptions and unhandled rejections', watch.problems.length);
    r.table({
      title: 'Cases per category (refused as expected, nothing written)',
      columns: ['category', 'cases', ...BINDINGS],
      rows: [...perCategory].map(([category, row]) => [
        category,
        row.cases,
        ...BINDINGS.map((binding) => `${row.passed[binding] ?? 0}/${row.cases}`),
      ]),
    });
    r.table({
      title: 'Answers by HTTP status (both bindings)',
      columns: ['status', 'answers'],
      rows: [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => [status, count]),
    });
  },
};
