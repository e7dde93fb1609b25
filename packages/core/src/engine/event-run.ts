import type { ScimStore } from '../adapter/contract.js';
import type { Applier } from '../apply/applier.js';
import type { UserChange } from '../apply/changes.js';
import type { Effect } from '../apply/effects.js';
import type { ApplyScope } from '../apply/user-layer.js';
import type { DirectoryEvent } from '../events/types.js';
import type { ScimLogger } from '../logger.js';
import type { EventChange } from './event-changes.js';
import type { ApplyOutcome } from './types.js';

export type ChangeOutcome = Extract<ApplyOutcome, 'applied' | 'stale' | 'ignored' | 'unknown_type'>;

interface RunItem {
  event: DirectoryEvent;
  change: EventChange;
  /** The event's hooks are added here, to run after the commit. */
  effects: Effect[];
}

/**
 * Claimed events of one organization applied in arrival order within one transaction. A run of user
 * changes of distinct users goes to the apply path as one batch. A group created or updated commutes
 * with a run whose users do not name it (when no role mapping reads group names), and an unknown event
 * with anything: they do not end the run. Anything else waits for the run to be applied first.
 */
export class EventRun {
  constructor(
    private readonly store: ScimStore,
    /** The transaction as the app's ORM knows it (undefined without transactions). */
    private readonly tx: unknown,
    private readonly applier: Applier,
    private readonly logger: ScimLogger,
    /** Whether an organization takes its changes from the app's own SCIM server only (see `directScim`). */
    private readonly scimOnly?: (store: ScimStore, organizationId: string) => Promise<boolean>,
  ) {}

  /** Events of an organization provisioned by direct SCIM are ignored: one source per organization. */
  private async ignored(organizationId: string, count: number): Promise<boolean> {
    if (this.scimOnly === undefined || !(await this.scimOnly(this.store, organizationId))) return false;
    this.logger.info('Scalekit events ignored: the organization is provisioned by direct SCIM', {
      organizationId,
      events: count,
    });
    return true;
  }

  private scope(organizationId: string): ApplyScope {
    return { store: this.store, tx: this.tx, organizationId, source: 'webhook' };
  }

  async apply(items: readonly RunItem[]): Promise<ChangeOutcome[]> {
    if (items.length === 1) return [await this.applyAlone(items[0]!)];
    if (items.length > 0 && (await this.ignored(items[0]!.event.organizationId, items.length))) {
      return items.map(() => 'ignored');
    }
    const outcomes: ChangeOutcome[] = items.map(() => 'stale');
    const pending: { index: number; change: UserChange }[] = [];
    const usersInRun = new Set<string>();
    const groupsNamedInRun = new Set<string>();
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const org = items[pending[0]!.index]!.event.organizationId;
      const applied = await this.applier.users(
        this.scope(org),
        pending.map((p) => p.change),
      );
      pending.forEach(({ index }, k) => {
        outcomes[index] = applied.written[k] ? 'applied' : 'stale';
        items[index]!.effects.push(...applied.effects[k]!);
      });
      pending.length = 0;
      usersInRun.clear();
      groupsNamedInRun.clear();
    };
    for (let index = 0; index < items.length; index++) {
      const { change, effects } = items[index]!;
      if (change.kind === 'user') {
        const userId = change.change.type === 'user' ? change.change.user.id : change.change.userId;
        if (usersInRun.has(userId)) await flush();
        usersInRun.add(userId);
        if (change.change.type === 'user') for (const g of change.change.user.groups ?? []) groupsNamedInRun.add(g.id);
        pending.push({ index, change: change.change });
        continue;
      }
      if (!this.commutes(change, groupsNamedInRun)) await flush();
      outcomes[index] = await this.applyOne(change, effects);
    }
    await flush();
    return outcomes;
  }

  /** One event on its own. */
  async applyAlone({ event, change, effects }: RunItem): Promise<ChangeOutcome> {
    if (await this.ignored(event.organizationId, 1)) return 'ignored';
    if (change.kind !== 'user') return this.applyOne(change, effects);
    const applied = await this.applier.users(this.scope(event.organizationId), [change.change]);
    for (const effect of applied.effects[0]!) effects.push(effect);
    return applied.written[0] ? 'applied' : 'stale';
  }

  private commutes(change: EventChange, groupsNamedInRun: ReadonlySet<string>): boolean {
    if (change.kind === 'unknown') return true;
    return (
      !this.applier.mapsRoles &&
      change.kind === 'group' &&
      change.change.type === 'group' &&
      !groupsNamedInRun.has(change.change.group.id)
    );
  }

  private async applyOne(change: Exclude<EventChange, { kind: 'user' }>, effects: Effect[]): Promise<ChangeOutcome> {
    switch (change.kind) {
      case 'group': {
        const org = change.change.event!.organizationId;
        const applied = await this.applier.groups(this.scope(org), [change.change]);
        effects.push(...applied.effects[0]!);
        return applied.written[0] ? 'applied' : 'stale';
      }
      case 'directory': {
        const applied = await this.applier.directory(this.scope(change.change.event.organizationId), change.change);
        effects.push(...applied.effects);
        return applied.written ? 'applied' : 'stale';
      }
      case 'unknown': {
        const { event } = change;
        this.logger.info('unknown event type recorded', {
          eventId: event.id,
          type: event.rawType,
          organizationId: event.organizationId,
        });
        effects.push(() =>
          this.applier.hooks.onUnknownEvent?.({ organizationId: event.organizationId, type: event.rawType, event }),
        );
        return 'unknown_type';
      }
    }
  }
}
