import { runAdapterConformance, runConformanceTest, withoutErrorTranslation } from '@scim/adapter-test-suite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { prismaAdapter } from '../src/index.js';
import { prismaBackdoor } from './backdoor.js';
import { type AnyPrisma, clientFor } from './clients.js';
import { createDatabase, type Provider, unavailable } from './databases.js';
import { asPostgres, booleanMapping, functionMapping, type MappingStyle, rawInsertMapping } from './mappings.js';
import { prismaServiceApp } from './service-app.js';

/**
 * Runs the whole conformance suite on one provider, in its own database. With `peer`, the
 * concurrency cases race a second PrismaClient (its own pool) against the first.
 */
export async function runPrismaConformance(options: {
  provider: Provider;
  database: string;
  style: MappingStyle;
  peer?: boolean;
  /** Runs the service-mode suites too (once per provider). */
  serviceMode?: boolean;
}): Promise<void> {
  const reason = await unavailable(options.provider);
  const clients: AnyPrisma[] = [];
  let url = '';
  const mapping = { boolean: booleanMapping, 'raw-insert': rawInsertMapping, function: functionMapping }[options.style];

  beforeAll(async () => {
    if (reason !== null) return;
    url = await createDatabase(options.provider, options.database);
    clients.push(clientFor(options.provider, url));
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) await client.$disconnect();
  });

  const adapterOf = (client: AnyPrisma) => prismaAdapter(asPostgres(client), { users: { ...mapping, email: 'email' } });

  runAdapterConformance({
    name: `prisma:${options.provider} (${options.style} mapping${options.peer ? ', two clients' : ''})`,
    timeout: 30_000,
    setup: () => {
      if (reason !== null) throw new Error(`skipped: ${reason}`);
      const client = clients[0]!;
      return { adapter: adapterOf(client), backdoor: prismaBackdoor(client, options.style) };
    },
    // Service mode: no mapping; the app's own model written through the interactive transaction's client.
    ...(options.serviceMode
      ? {
          serviceMode: () => ({
            adapter: prismaAdapter(asPostgres(clients[0]!)),
            app: prismaServiceApp(clients[0]!, options.provider),
          }),
        }
      : {}),
    ...(options.peer
      ? {
          peer: () => {
            const second = clientFor(options.provider, url);
            return { adapter: adapterOf(second), teardown: () => second.$disconnect() };
          },
        }
      : {}),
  });

  if (options.peer) {
    test.skipIf(reason !== null)(
      `prisma:${options.provider}: the conflicts suite catches an adapter that translates no driver error`,
      async () => {
        for (const id of [
          'conflicts/two transactions that cross on two version records: one commits, the other fails with TRANSACTION_CONFLICT',
          'conflicts/an event caught in a deadlock with the peer ends applied; a lost attempt is retried',
        ] as const) {
          const second = clientFor(options.provider, url);
          const result = await runConformanceTest(id, {
            setup: () => ({
              adapter: withoutErrorTranslation(adapterOf(clients[0]!)),
              backdoor: prismaBackdoor(clients[0]!, options.style),
            }),
            peer: () => ({ adapter: withoutErrorTranslation(adapterOf(second)), teardown: () => second.$disconnect() }),
          });
          expect(result.status, id).toBe('failed');
        }
      },
      60_000,
    );
  }
}
