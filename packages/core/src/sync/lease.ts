import { randomUUID } from 'node:crypto';
import type { ScimAdapter } from '../adapter/contract.js';
import { ScimError } from '../errors.js';
import { describeError } from '../log-error.js';
import type { ScimLogger } from '../logger.js';
import { abortError, sleep } from './retry.js';

/**
 * One sync per directory across every instance of the app: a lease in the store, renewed while the
 * sync runs. Losing it (another instance took it after it ran out) aborts the sync.
 */
export class SyncLease {
  readonly owner = `sync-${randomUUID()}`;
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
