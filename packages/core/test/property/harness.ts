import type { EntityKind } from '../../src/adapter/contract.js';
import type { MemoryAdapter } from '../../src/adapter/memory-adapter.js';
import { createScimEngine } from '../../src/create-engine.js';
import type { ScimEngine, ScimEngineOptions } from '../../src/engine-options.js';
import type { LogFields, ScimLogger } from '../../src/logger.js';
import type { WebhookResponse } from '../../src/webhook/handle-webhook.js';
import { signWebhook } from '../../src/webhook/verify.js';

export const NOW = new Date('2026-11-29T10:00:00Z');
export const NOW_S = Math.floor(NOW.getTime() / 1000);

/** A logger that keeps every line, at every level, as the text a log sink would receive. */
export function capturingLogger(): { logger: ScimLogger; lines: string[] } {
  const lines: string[] = [];
  const sink = (level: string) => (message: string, fields?: LogFields) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { logger: { debug: sink('debug'), info: sink('info'), warn: sink('warn'), error: sink('error') }, lines };
}

export interface Harness {
  engine: ScimEngine;
  /** Signs and delivers one body as Scalekit would. */
  deliver(body: string | Uint8Array): Promise<WebhookResponse>;
}

export function harness(adapter: MemoryAdapter, secret: string, options: Partial<ScimEngineOptions> = {}): Harness {
  const engine = createScimEngine({ adapter, webhookSecret: secret, now: () => NOW, ...options });
  let n = 0;
  return {
    engine,
    deliver(body) {
      const id = `msg_${++n}`;
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(NOW_S),
        'webhook-signature': signWebhook({ secret, id, timestamp: NOW_S, body }),
      };
      return engine.handleWebhook({ headers, rawBody: body });
    },
  };
}

/** The ids a snapshot looks at: the memory adapter is read through its inspector, key by key. */
export interface Universe {
  organizationId: string;
  userIds: readonly string[];
  groupIds: readonly string[];
  directoryIds: readonly string[];
  eventIds: readonly string[];
}

/**
 * Everything the memory adapter holds about these ids, timestamps included: two equal snapshots
 * mean nothing was written in between.
 */
export function fullSnapshot(adapter: MemoryAdapter, u: Universe): unknown {
  const { inspect } = adapter;
  const org = u.organizationId;
  const entities = (kind: EntityKind, ids: readonly string[]) => ids.map((id) => inspect.entity(org, kind, id));
  return {
    users: inspect.users(org).sort((a, b) => (a.id < b.id ? -1 : 1)),
    userEntities: entities('user', u.userIds),
    groupEntities: entities('group', u.groupIds),
    directoryEntities: entities('directory', u.directoryIds),
    groups: u.groupIds.map((id) => inspect.group(org, id)),
    memberships: u.userIds.map((id) => inspect.groupIdsOfUser(org, id)),
    members: u.groupIds.map((id) => inspect.userIdsOfGroup(org, id)),
    directories: u.directoryIds.map((id) => inspect.directory(org, id)),
    inbox: u.eventIds.map((id) => inspect.inbox(id)),
    inboxSize: inspect.inboxSize(),
  };
}
