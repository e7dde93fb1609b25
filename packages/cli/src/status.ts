import type { InboxRecord, InboxStatus, ScimEngine, SyncLeaseHolder, SyncState } from '@scim/core';

/** What `scim status` shows of one directory. */
export interface DirectoryStatus {
  directoryId: string;
  /** From the last directory event or sync; null when the store holds no record of the directory. */
  enabled: boolean | null;
  provider: string | null;
  /** The sync state's status: idle, running, succeeded or failed. */
  sync: SyncState['status'];
  /** The mode of the sync in progress (or interrupted); the store keeps no mode for finished ones. */
  runningMode: string | null;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  durationMs: number | null;
  lastError: string | null;
  watermark: Date | null;
  watermarkAgeMs: number | null;
  /** When the sync state was last written (a running sync writes it at each checkpoint). */
  updatedAt: Date;
  /**
   * `running`: a sync holds the directory's lease; `interrupted`: a sync stopped mid-way (its
   * checkpoint stays, the next run resumes from it); `free` otherwise. Where the adapter cannot say who
   * holds a lease (`leaseHolders` false), a running sync is inferred from its state: status running and
   * a checkpoint saved in the last 5 minutes.
   */
  lease: 'running' | 'interrupted' | 'free';
  /**
   * The instance holding the lease (`host:pid:random`, see `SyncLeaseHolder`) and when the lease runs
   * out unless it is renewed; null when no one holds it, or when the adapter cannot tell.
   */
  holder: { owner: string; expiresAt: Date } | null;
}

/** What `scim status` shows of one organization. */
export interface OrganizationStatus {
  organizationId: string;
  /** The adapter reads leases (`getLeases`): each directory's `holder` says who runs its sync. */
  leaseHolders: boolean;
  directories: DirectoryStatus[];
  /**
   * Directory users the store mirrors (the directory lists them), how many of them are active, and
   * how many were deprovisioned (gone from the directory or inactive: their version is kept).
   */
  users: { mirrored: number; active: number; deprovisioned: number };
  groups: { mirrored: number };
  /** Events received in the last 24 hours, by status (at most `EVENT_SCAN_LIMIT` read). */
  eventsLastDay: Partial<Record<InboxStatus, number>>;
  /** Rejected events in the inbox, whenever received (at most `EVENT_SCAN_LIMIT` counted). */
  rejected: number;
  /** True when a count reached `EVENT_SCAN_LIMIT` and stopped there. */
  truncated: boolean;
}

/** The most inbox records a status reads for one count: beyond it, the count says "at least". */
export const EVENT_SCAN_LIMIT = 20_000;
const PAGE = 500;
/** A running sync rewrites its state at each checkpoint; silence longer than this means it stopped. */
const RUNNING_SILENCE_MS = 5 * 60_000;

export async function organizationStatus(
  engine: ScimEngine,
  organizationId: string,
  now: Date,
): Promise<OrganizationStatus> {
  const states = await engine.syncStatus(organizationId);
  const holders = await engine.syncLeases(
    organizationId,
    states.map((state) => state.directoryId),
  );
  const directories = await Promise.all(
    states.map((state) => {
      const holder = holders?.find((h) => h.directoryId === state.directoryId);
      return directoryStatus(engine, state, now, holders === null ? undefined : (holder ?? null));
    }),
  );
  const since = new Date(now.getTime() - 86_400_000);
  const lastDay = await scanEvents(engine, { organizationId }, (record) => record.receivedAt >= since);
  const eventsLastDay: Partial<Record<InboxStatus, number>> = {};
  for (const record of lastDay.records) eventsLastDay[record.status] = (eventsLastDay[record.status] ?? 0) + 1;
  const rejected = await scanEvents(engine, { organizationId, status: 'rejected' }, () => true);
  const users = await countEntities(engine, organizationId, 'user');
  const groups = await countEntities(engine, organizationId, 'group');
  return {
    organizationId,
    leaseHolders: holders !== null,
    directories,
    users: { mirrored: users.live, active: users.active, deprovisioned: users.gone + users.live - users.active },
    groups: { mirrored: groups.live },
    eventsLastDay,
    rejected: rejected.records.length,
    truncated: lastDay.truncated || rejected.truncated,
  };
}

/** `holder`: who holds the lease (null: no one); undefined when the adapter cannot tell. */
async function directoryStatus(
  engine: ScimEngine,
  state: SyncState,
  now: Date,
  holder: SyncLeaseHolder | null | undefined,
): Promise<DirectoryStatus> {
  const directory = await engine.adapter.getDirectory(state.organizationId, state.directoryId);
  const running = state.status === 'running';
  const fresh = now.getTime() - state.updatedAt.getTime() < RUNNING_SILENCE_MS;
  const inferred = running ? (fresh && state.lastError === null ? 'running' : 'interrupted') : 'free';
  const finished =
    state.lastStartedAt !== null && state.lastFinishedAt !== null && state.lastFinishedAt >= state.lastStartedAt;
  return {
    directoryId: state.directoryId,
    enabled: directory?.enabled ?? null,
    provider: directory?.provider ?? null,
    sync: state.status,
    runningMode: running ? checkpointMode(state.checkpoint) : null,
    lastStartedAt: state.lastStartedAt,
    lastFinishedAt: state.lastFinishedAt,
    durationMs: finished ? state.lastFinishedAt!.getTime() - state.lastStartedAt!.getTime() : null,
    lastError: state.lastError,
    watermark: state.watermark,
    watermarkAgeMs: state.watermark ? now.getTime() - state.watermark.getTime() : null,
    updatedAt: state.updatedAt,
    lease: holder === undefined ? inferred : holder !== null ? 'running' : running ? 'interrupted' : 'free',
    holder: holder ? { owner: holder.owner, expiresAt: holder.expiresAt } : null,
  };
}

function checkpointMode(checkpoint: string | null): string | null {
  if (checkpoint === null) return null;
  try {
    const mode = (JSON.parse(checkpoint) as { mode?: unknown }).mode;
    return typeof mode === 'string' ? mode : null;
  } catch {
    return null;
  }
}

/** Inbox records newest first while `keep` holds, up to EVENT_SCAN_LIMIT. */
export async function scanEvents(
  engine: ScimEngine,
  query: { organizationId?: string; status?: InboxStatus },
  keep: (record: InboxRecord) => boolean,
  limit = EVENT_SCAN_LIMIT,
): Promise<{ records: InboxRecord[]; truncated: boolean }> {
  const records: InboxRecord[] = [];
  let before: { receivedAt: Date; id: string } | undefined;
  for (;;) {
    const page = await engine.events({
      ...query,
      limit: Math.min(PAGE, limit - records.length),
      ...(before ? { before } : {}),
    });
    for (const record of page) {
      if (!keep(record)) return { records, truncated: false };
      records.push(record);
    }
    if (records.length >= limit) return { records, truncated: true };
    if (page.length < PAGE) return { records, truncated: false };
    const last = page[page.length - 1]!;
    before = { receivedAt: last.receivedAt, id: last.id };
  }
}

/** Version records of a kind the store holds, live and tombstones, read a page at a time. */
async function countEntities(
  engine: ScimEngine,
  organizationId: string,
  kind: 'user' | 'group',
): Promise<{ live: number; active: number; gone: number }> {
  let live = 0;
  let active = 0;
  let gone = 0;
  let after: string | undefined;
  for (;;) {
    const page = await engine.adapter.listEntities(organizationId, kind, { limit: 1000, ...(after ? { after } : {}) });
    for (const entity of page) {
      if (entity.deleted) {
        gone++;
        continue;
      }
      live++;
      if (entity.active) active++;
    }
    if (page.length < 1000) return { live, active, gone };
    after = page[page.length - 1]!.id;
  }
}
