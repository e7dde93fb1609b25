import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ScimAdapter } from '../adapter/contract.js';
import { ScimError } from '../errors.js';
import { describeError } from '../log-error.js';
import type { ScimLogger } from '../logger.js';
import { abortError, sleep } from './retry.js';
import type { SyncLeaseHolder } from './types.js';

/** The lease of one directory's sync: the sync takes it, `scim status` asks who holds it. */
export function syncLeaseName(organizationId: string, directoryId: string): string {
  return `scim-sync:${organizationId}:${directoryId}`;
}

/**
 * Who holds the sync leases of these directories at `now`; null when the adapter cannot tell (it has no
 * `getLeases`). A directory whose lease is free is left out.
 */
export async function syncLeaseHolders(
  adapter: ScimAdapter,
  organizationId: string,
  directoryIds: readonly string[],
  now: Date,
): Promise<SyncLeaseHolder[] | null> {
  if (adapter.getLeases === undefined) return null;
  if (directoryIds.length === 0) return [];
  const byName = new Map(directoryIds.map((id) => [syncLeaseName(organizationId, id), id]));
  const held = await adapter.getLeases([...byName.keys()], now);
  const holders: SyncLeaseHolder[] = [];
  for (const lease of held) {
    const directoryId = byName.get(lease.name);
    if (directoryId !== undefined) holders.push({ directoryId, owner: lease.owner, expiresAt: lease.expiresAt });
  }
  return holders;
}

/**
 * The smallest lease owner column among the adapters' schemas is 191 characters (Prisma's MySQL
 * migration); a host name is at most 253, so it is cut to leave room for the pid and the random part.
 */
const MAX_HOST_LENGTH = 120;

/**
 * Who takes a lease: `host:pid:random`. The host and pid tell an operator which instance runs a sync
 * (`scim status` shows it); the random part keeps two attempts of one process apart, so a sync never
 * renews a lease an earlier, abandoned attempt of the same process still holds. Nothing secret in it.
 */
export function leaseOwner(): string {
  const host = hostname().slice(0, MAX_HOST_LENGTH) || 'unknown-host';
  return `${host}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * One sync per directory across every instance of the app: a lease in the store, renewed while the
 * sync runs. Losing it (another instance took it after it ran out) aborts the sync.
 */
export class SyncLease {
  readonly owner = leaseOwner();
  private timer: NodeJS.Timeout | undefined;
  private held = false;
  lost = false;

  constructor(
    private readonly adapter: ScimAdapter,
    private readonly name: string,
    private readonly ttlMs: number,
    private readonly now: () => Date,
    private readonly logger: ScimLogger,
    /** Aborts the sync when the lease is lost. */
    private readonly onLost: (error: ScimError) => void,
  ) {}

  /** Waits for the lease up to `timeoutMs` (no limit by default); SYNC_LOCKED when another instance keeps it. */
  async acquire(organizationId: string, timeoutMs: number | undefined, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + (timeoutMs ?? Number.POSITIVE_INFINITY);
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      if (await this.adapter.acquireLease({ name: this.name, owner: this.owner, ttlMs: this.ttlMs, now: this.now() })) {
        break;
      }
      if (Date.now() >= deadline) {
        throw new ScimError('SYNC_LOCKED', `Another sync of ${organizationId} is running`, { retryable: true });
      }
      await sleep(Math.min(250, Math.max(0, deadline - Date.now())), signal);
    }
    this.held = true;
    this.timer = setInterval(() => void this.renew(organizationId), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  private async renew(organizationId: string): Promise<void> {
    try {
      const held = await this.adapter.acquireLease({
        name: this.name,
        owner: this.owner,
        ttlMs: this.ttlMs,
        now: this.now(),
      });
      if (!held) {
        this.lost = true;
        this.onLost(new ScimError('SYNC_LOCKED', 'lease lost'));
      }
    } catch (error) {
      this.logger.warn('could not renew the sync lease', { organizationId, ...describeError(error) });
    }
  }

  async release(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (!this.held) return;
    this.held = false;
    await this.adapter.releaseLease(this.name, this.owner).catch(() => undefined);
  }
}
