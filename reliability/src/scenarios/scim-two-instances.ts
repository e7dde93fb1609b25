import { createScimEngine, silentLogger } from '@scim/core';
import type { ScimServerLike } from '@scim/http-express';
import { createScimServer, engineScimStore, type ScimServer, scimTokens } from '@scim/scim-server';
import { BINDINGS } from '../apps.js';
import { scenarioDatabase } from '../pg/database.js';
import { openPgStore, type PgStore } from '../pg/store.js';
import type { Scenario } from '../scenario.js';
import { type RunningScimApp, startScimApp } from '../scim-apps.js';
import { inParallel, shuffled } from '../tenant-traffic.js';

const ORG = 'org_scim_instances';
const USER_PATCHES = 60;
const MEMBERS = 40;
const CONCURRENCY = 12;
/**
 * A request received before a change that is already stored is refused (503) and resent, a new receipt; with
 * twelve writers on one group a request may be overtaken several times in a row before it commits.
 */
const MAX_RESENDS = 100;
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface Answer {
  status: number;
  json: Record<string, unknown> | undefined;
}

/** One SCIM request over HTTP, as an identity provider sends it. */
async function send(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/scim+json',
      ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

/** A write answered 503 (overtaken by a later request, or losing races) is sent again, as the providers honour Retry-After. */
async function write(
  baseUrl: string,
  token: string,
  path: string,
  body: unknown,
): Promise<Answer & { resent: number }> {
  for (let resent = 0; ; resent++) {
    const answer = await send(baseUrl, token, 'PATCH', path, body);
    if (answer.status !== 503 || resent === MAX_RESENDS) return { ...answer, resent };
  }
}

const patchBody = (Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

/** A member change in one of the styles the providers use. */
function memberOp(kind: 'add' | 'remove', userId: string, style: number) {
  if (kind === 'add') return { op: style % 2 === 0 ? 'add' : 'Add', path: 'members', value: [{ value: userId }] };
  // Okta names the member in the path; Entra ID sends the value list.
  return style % 2 === 0
    ? { op: 'remove', path: `members[value eq "${userId}"]` }
    : { op: 'Remove', path: 'members', value: [{ value: userId }] };
}

export const scimTwoInstancesScenario: Scenario = {
  id: 'scim-two-instances',
  title: 'Two SCIM server instances on one PostgreSQL take interleaved PATCHes for one group and one user',
  kind: 'correctness',
  injected: `An Express and a Fastify app, each with its own engine and connection pool over one PostgreSQL database (\`drizzleAdapter\`), serve the same organization's SCIM token. At the same time: ${USER_PATCHES} PATCHes of one user (half replace displayName and title, half name.givenName) in two streams, one per instance, each stream sending its next PATCH once the last is answered; and for each of ${MEMBERS} users a chain of 4 to 6 add/remove PATCHes of one group (Okta's and Entra ID's styles), each chain in order, ${CONCURRENCY} chains at once, every request to the other instance than the one before. A 503 (a request overtaken by one received later, on the other instance) is resent, as the providers do.`,
  checked:
    "The user ends with, for each attribute, the value of the last PATCH by receive order that changed it (read back through both instances and in the app's table); every member's state is its chain's last operation: the SDK's membership rows, the group read through either instance and the users' `groups` agree, none missing and none twice; every request answered 200 or 204 (after the resends).",
  async run(r) {
    const url = await scenarioDatabase(r, 'scim_reliability_scim_instances');
    if (url === null) return;
    // Both instances run in this process, so the order in which they call their clocks is the receive order;
    // one strictly increasing clock gives every request its own receive time.
    let last = 0;
    const now = () => {
      last = Math.max(Date.now(), last + 1);
      return new Date(last);
    };
    const received: string[] = [];
    const recorded = (server: ScimServer): ScimServerLike => ({
      maxBodyBytes: server.maxBodyBytes,
      errorResponse: (status, detail) => server.errorResponse(status, detail),
      handle(request) {
        // handle() reads the clock before its first await: this push is in receive order.
        const body = request.body;
        received.push(typeof body === 'string' ? body : body == null ? '' : Buffer.from(body).toString('utf8'));
        return server.handle(request);
      },
    });
    const stores: PgStore[] = [];
    const apps: RunningScimApp[] = [];
    try {
      let token = '';
      for (const binding of BINDINGS) {
        const store = openPgStore(url, { max: 5 });
        stores.push(store);
        const engine = createScimEngine({ adapter: store.adapter, directScim: true, logger: silentLogger });
        if (token === '') token = (await scimTokens(engine).issue(ORG, { label: 'instances' })).token;
        const server = createScimServer({
          store: engineScimStore(engine),
          logger: silentLogger,
          now,
          // Twelve writers on one resource: a request may lose several races before it commits.
          maxWriteRetries: 50,
        });
        apps.push(await startScimApp(binding, recorded(server)));
      }
      const [a, b] = apps as [RunningScimApp, RunningScimApp];
      const reader = stores[0]!;
      const instance = (i: number) => (i % 2 === 0 ? a : b).baseUrl;

      const subject = await send(a.baseUrl, token, 'POST', '/Users', {
        schemas: [USER_SCHEMA],
        userName: 'subject@example.com',
        displayName: 'start',
        name: { givenName: 'start', familyName: 'Subject' },
      });
      r.equal(subject.status, 201, 'create the user');
      const subjectId = String(subject.json?.id);
      const group = await send(b.baseUrl, token, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Shared' });
      r.equal(group.status, 201, 'create the group');
      const groupId = String(group.json?.id);
      const memberIds: string[] = [];
      for (let i = 0; i < MEMBERS; i++) {
        const created = await send(instance(i), token, 'POST', '/Users', {
          schemas: [USER_SCHEMA],
          userName: `member${i}@example.com`,
        });
        memberIds.push(String(created.json?.id));
      }

      // The user: two streams of PATCHes at once, one per instance (each stream sends its next PATCH once the
      // last is answered), changing two sets of attributes: the instances' writes interleave and race.
      const userAnswers = new Map<number, number>();
      let resends = 0;
      const userPatch = (i: number) =>
        i % 2 === 0
          ? { op: 'replace', value: { displayName: `display-${i}`, title: `title-${i}` } }
          : { op: 'Replace', path: 'name.givenName', value: `given-${i}` };
      const streams = [0, 1].map((stream) => async () => {
        const mine = shuffled(
          Array.from({ length: USER_PATCHES }, (_, i) => i).filter((i) => Math.floor(i / 2) % 2 === stream),
          1717 + stream,
        );
        for (const i of mine) {
          const answer = await write(apps[stream]!.baseUrl, token, `/Users/${subjectId}`, patchBody([userPatch(i)]));
          resends += answer.resent;
          userAnswers.set(i, answer.status);
        }
      });
      const userTraffic = Promise.all(streams.map((stream) => stream()));

      // The group: a chain of member changes per user, each chain in order, the chains at once.
      let seed = 99;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed / 2_147_483_648;
      };
      const chains = memberIds.map((userId, m) => {
        const length = 4 + Math.floor(random() * 3);
        return Array.from({ length }, () => (random() < 0.55 ? 'add' : 'remove') as 'add' | 'remove').map(
          (kind, step) => ({ userId, kind, style: m + step }),
        );
      });
      const groupStatuses = new Map<number, number>();
      const groupTraffic = inParallel(chains, CONCURRENCY, async (chain, m) => {
        for (const [step, change] of chain.entries()) {
          const answer = await write(
            instance(m + step),
            token,
            `/Groups/${groupId}`,
            patchBody([memberOp(change.kind, change.userId, change.style)]),
          );
          resends += answer.resent;
          groupStatuses.set(answer.status, (groupStatuses.get(answer.status) ?? 0) + 1);
        }
      });
      await Promise.all([userTraffic, groupTraffic]);

      // The user: the last PATCH by receive order of each attribute set.
      // A resent request's last receipt is the one applied (the earlier ones were answered 503).
      const order = (marker: string) => received.findLastIndex((body) => body.includes(`"${marker}"`));
      const lastOf = (parity: number, prefix: string) => {
        const applied = [...userAnswers].filter(([i, status]) => i % 2 === parity && status === 200).map(([i]) => i);
        applied.sort((x, y) => order(`${prefix}-${x}`) - order(`${prefix}-${y}`));
        return applied.at(-1);
      };
      const userFailures = [...userAnswers.values()].filter((status) => status !== 200).length;
      r.equal(userFailures, 0, 'user PATCHes not answered 200');
      const lastDisplay = lastOf(0, 'display');
      const lastGiven = lastOf(1, 'given');
      for (const app of apps) {
        const read = await send(app.baseUrl, token, 'GET', `/Users/${subjectId}`);
        const name = read.json?.name as { givenName?: string } | undefined;
        r.equal(read.json?.displayName, `display-${lastDisplay}`, `${app.binding}: displayName`);
        r.equal(read.json?.title, `title-${lastDisplay}`, `${app.binding}: title`);
        r.equal(name?.givenName, `given-${lastGiven}`, `${app.binding}: name.givenName`);
      }
      const appRow = (await reader.appUsers(ORG)).find((row) => row.directoryUserId === subjectId);
      r.equal(appRow?.name, `display-${lastDisplay}`, "the app's row: name (the user's displayName)");

      // The group: each member's last operation.
      const expected = new Set(chains.filter((chain) => chain.at(-1)!.kind === 'add').map((chain) => chain[0]!.userId));
      r.check(
        [...groupStatuses.keys()].every((status) => status === 204),
        `group PATCH answers: ${JSON.stringify(Object.fromEntries(groupStatuses))} (all 204 expected)`,
      );
      const rows = await reader.pool.query<{ user_id: string }>(
        'select user_id from scim_memberships where organization_id = $1 and group_id = $2',
        [ORG, groupId],
      );
      const stored = rows.rows.map((row) => row.user_id);
      const missing = [...expected].filter((id) => !stored.includes(id));
      const extra = stored.filter((id) => !expected.has(id));
      r.equal(missing.length, 0, 'membership rows missing (the last operation was an add)');
      r.equal(extra.length, 0, 'membership rows left (the last operation was a remove)');
      for (const app of apps) {
        const read = await send(app.baseUrl, token, 'GET', `/Groups/${groupId}`);
        const values = ((read.json?.members as { value: string }[] | undefined) ?? []).map((m) => m.value);
        r.equal(values.length, new Set(values).size, `${app.binding}: members listed twice`);
        r.equal(
          [...values].sort().join(','),
          [...expected].sort().join(','),
          `${app.binding}: the group's members equal each chain's last operation`,
        );
      }
      let groupsDisagree = 0;
      for (const [m, userId] of memberIds.entries()) {
        const read = await send(instance(m), token, 'GET', `/Users/${userId}`);
        const groups = ((read.json?.groups as { value: string }[] | undefined) ?? []).map((g) => g.value);
        if (groups.includes(groupId) !== expected.has(userId)) groupsDisagree++;
      }
      r.equal(groupsDisagree, 0, "users whose `groups` disagree with the group's members");

      r.figure('user PATCHes (one user, both instances)', USER_PATCHES);
      r.figure(
        'member PATCHes (one group, both instances)',
        chains.reduce((n, chain) => n + chain.length, 0),
      );
      r.figure('members at the end', expected.size);
      r.figure('requests received', received.length);
      r.figure('requests resent after a 503 (overtaken by a later-received request)', resends);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await Promise.all(stores.map((store) => store.close()));
    }
  },
};
