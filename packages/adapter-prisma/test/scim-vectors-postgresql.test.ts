import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createScimEngine, silentLogger } from '@scim/core';
import { createScimServer, engineScimStore, scimTokens } from '@scim/scim-server';
import { formatScimVectorTable, runScimVectors, scimVectors } from '@scim/scim-server/vectors';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prismaAdapter } from '../src/index.js';
import { type PostgresPrisma, postgresClient } from './clients.js';
import { createDatabase, unavailable } from './databases.js';
import { asPostgres, booleanMapping } from './mappings.js';

const BASE_PATH = '/scim/v2';
const reason = await unavailable('postgresql');

/**
 * The SCIM server's request vectors (Okta, Entra ID, Google, bad input) over real HTTP into an engine on
 * this adapter and PostgreSQL: resources, filters, members and tokens in the shipped scim_ tables, users in
 * the test app's own model through the table mapping.
 */
describe.skipIf(reason !== null)('prisma:postgresql: the SCIM vectors over HTTP', () => {
  let client: PostgresPrisma;
  let baseUrl = '';
  let token = '';
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    client = postgresClient(await createDatabase('postgresql', 'scim_prisma_test_scim_vectors'));
    const engine = createScimEngine({
      adapter: prismaAdapter(asPostgres(client), { users: booleanMapping }),
      directScim: true,
      logger: silentLogger,
    });
    token = (await scimTokens(engine).issue('org_prisma_vectors', { label: 'vectors' })).token;
    const scim = createScimServer({ store: engineScimStore(engine), logger: silentLogger });
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        scim
          .handle({
            method: req.method ?? 'GET',
            path: url.pathname.slice(BASE_PATH.length),
            query: url.search,
            headers: req.headers,
            body: Buffer.concat(chunks),
            baseUrl: `http://${req.headers.host}${BASE_PATH}`,
          })
          .then((answer) => {
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
          })
          .catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE_PATH}`;
    close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
  });
  afterAll(async () => {
    await close();
    await client?.$disconnect();
  });

  test.each(scimVectors.map((vector) => [vector.id, vector] as const))(
    '%s',
    async (_id, vector) => {
      const [result] = await runScimVectors({ baseUrl, token, vectors: [vector] });
      expect(result!.failures, formatScimVectorTable([result!])).toEqual([]);
    },
    60_000,
  );

  test("the users the vectors left are in the app's own table", async () => {
    const rows = await client.$queryRawUnsafe<{ n: bigint }[]>('SELECT COUNT(*) AS n FROM app_users');
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });
});
