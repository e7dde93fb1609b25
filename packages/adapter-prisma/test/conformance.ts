import { runAdapterConformance } from '@scim/adapter-test-suite';
import { afterAll, beforeAll } from 'vitest';
import { prismaAdapter } from '../src/index.js';
import { prismaBackdoor } from './backdoor.js';
import { type AnyPrisma, clientFor } from './clients.js';
import { createDatabase, type Provider, unavailable } from './databases.js';
import { asPostgres, booleanMapping, functionMapping, type MappingStyle, rawInsertMapping } from './mappings.js';

/**
 * Runs the whole conformance suite on one provider, in its own database. With `peer`, the
 * concurrency cases race a second PrismaClient (its own pool) against the first.
 */
export async function runPrismaConformance(options: {
  provider: Provider;
  database: string;
  style: MappingStyle;
  peer?: boolean;
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

  const adapterOf = (client: AnyPrisma) => prismaAdapter(asPostgres(client), { users: mapping });

  runAdapterConformance({
    name: `prisma:${options.provider} (${options.style} mapping${options.peer ? ', two clients' : ''})`,
    timeout: 30_000,
    setup: () => {
      if (reason !== null) throw new Error(`skipped: ${reason}`);
      const client = clients[0]!;
      return { adapter: adapterOf(client), backdoor: prismaBackdoor(client, options.style) };
    },
    ...(options.peer
      ? {
          peer: () => {
            const second = clientFor(options.provider, url);
            return { adapter: adapterOf(second), teardown: () => second.$disconnect() };
          },
        }
      : {}),
  });
}
