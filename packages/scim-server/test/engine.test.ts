import {
  createScimEngine,
  type MemoryAdapter,
  memoryAdapter,
  type ScimEngine,
  silentLogger,
  type UserProvisionedPayload,
} from '@scim/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimServer, engineScimStore, scimTokens } from '../src/index.js';
import { formatScimVectorTable, runScimVectors, scimVectors } from '../src/vectors/index.js';
import { partialMatch, substitute } from '../src/vectors/match.js';
import type { DirectoryExpectation } from '../src/vectors/types.js';
import { type RunningScim, serveScim } from './support/node-server.js';

/**
 * The vectors over real HTTP against the engine itself: the SCIM server's storage is the SDK's bookkeeping
 * (`engineScimStore`), every write goes through the engine's apply path, and what the vectors expect of
 * the directory is checked in the app's own users table (the memory adapter's table mapping).
 */

const ORG = 'org_engine_vectors';
let adapter: MemoryAdapter;
let engine: ScimEngine;
let token: string;
let running: RunningScim;
const provisioned: UserProvisionedPayload[] = [];

beforeAll(async () => {
  adapter = memoryAdapter();
  engine = createScimEngine({
    adapter,
    directScim: true,
    logger: silentLogger,
    groupRoles: { admins: 'admin' },
    defaultRoles: ['member'],
    hooks: { onUserProvisioned: (payload) => void provisioned.push(payload) },
  });
  token = (await scimTokens(engine).issue(ORG, { label: 'vectors' })).token;
  running = await serveScim(createScimServer({ store: engineScimStore(engine) }));
});
afterAll(() => running.close());

/** What the app holds, against a vector's expectations of the directory. */
function appFailures(
  expectations: readonly DirectoryExpectation[],
  variables: Readonly<Record<string, string>>,
): string[] {
  const failures: string[] = [];
  const idOf = (name: string) => variables[name] ?? `<${name} never captured>`;
  for (const expectation of expectations) {
    if ('user' in expectation) {
      const id = idOf(expectation.user);
      const user = adapter.inspect.user(ORG, id);
      const state = adapter.inspect.entity(ORG, 'user', id);
      if ('deleted' in expectation) {
        if (state?.deleted !== true || user?.active === true)
          failures.push(`user ${expectation.user}: not deprovisioned`);
      } else if (user === null || !partialMatch(user, substitute(expectation.matches, variables))) {
        failures.push(
          `user ${expectation.user}: ${JSON.stringify(user)} does not match ${JSON.stringify(expectation.matches)}`,
        );
      }
      continue;
    }
    const id = idOf(expectation.group);
    if ('deleted' in expectation) {
      if (adapter.inspect.group(ORG, id) !== null) failures.push(`group ${expectation.group}: still there`);
      continue;
    }
    const members = adapter.inspect.userIdsOfGroup(ORG, id);
    const expected = expectation.members.map(idOf).sort();
    if (JSON.stringify(members) !== JSON.stringify(expected)) {
      failures.push(`group ${expectation.group}: members ${members.join(',')} instead of ${expected.join(',')}`);
    }
  }
  return failures;
}

describe.each(scimVectors.map((vector) => [vector.id, vector] as const))('%s', (_id, vector) => {
  it(`${vector.title} (over HTTP into the engine, then the app's table)`, async () => {
    let app: string[] = [];
    const [result] = await runScimVectors({
      baseUrl: running.baseUrl,
      token,
      vectors: [vector],
      afterVector: (_vector, variables) => {
        app = appFailures(vector.directory ?? [], variables);
      },
    });
    expect(result!.failures, formatScimVectorTable([result!])).toEqual([]);
    expect(app).toEqual([]);
  });
});

it('SCIM users reach the app through the rules: hooks with source scim, default roles, a token of another organization sees nothing', async () => {
  expect(provisioned.length).toBeGreaterThan(0);
  for (const payload of provisioned) expect(payload).toMatchObject({ organizationId: ORG, source: 'scim' });
  const created = adapter.inspect.users(ORG).find((u) => u.active);
  if (created !== undefined) expect(created.roles).toContain('member');
  const other = (await scimTokens(engine).issue('org_other')).token;
  const answer = await fetch(`${running.baseUrl}/Users`, { headers: { authorization: `Bearer ${other}` } });
  expect(await answer.json()).toMatchObject({ totalResults: 0 });
});

it('an organization provisioned by direct SCIM is not synced from Scalekit, and its webhooks are ignored', async () => {
  await expect(engine.sync({ organizationId: ORG })).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  const { parseDirectoryEvent } = await import('@scim/core');
  const result = await engine.applyEvent(
    parseDirectoryEvent({
      id: 'evt_from_scalekit',
      type: 'organization.directory.user_created',
      occurred_at: '2026-12-01T00:00:00.000000000Z',
      organization_id: ORG,
      data: { id: 'diruser_1', email: 'a@example.com' },
    }),
  );
  expect(result.outcome).toBe('ignored');
  expect(adapter.inspect.user(ORG, 'diruser_1')).toBeNull();
});
