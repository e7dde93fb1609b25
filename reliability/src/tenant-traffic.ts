/**
 * Webhook traffic for several organizations that reuse the SAME user and group ids, so that any key
 * missing its organization shows up as a wrong email, department or group in another tenant.
 */
import type { StoreView } from './store-view.js';

export interface TenantEvent {
  organizationId: string;
  /** The event as Scalekit sends it. */
  payload: Record<string, unknown>;
}

export interface ExpectedUser {
  email: string;
  active: boolean;
  department: string | null;
  groups: string[];
}

export interface TenantTraffic {
  events: TenantEvent[];
  /** Events that must be refused: their data names another organization than their envelope. */
  forged: TenantEvent[];
  expected: Map<string, Map<string, ExpectedUser>>;
}

const BASE = Date.parse('2026-11-29T09:00:00Z');

function occurredAt(offsetSeconds: number, sequence: number): string {
  const iso = new Date(BASE + offsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return `${iso}.${String(sequence).padStart(9, '0')}Z`;
}

export function organizationIds(count: number, prefix = 'org_tenant'): string[] {
  return Array.from({ length: count }, (_, k) => `${prefix}_${k + 1}`);
}

export function tenantTraffic(organizations: readonly string[], usersPerOrg: number, groupsPerOrg = 3): TenantTraffic {
  const events: TenantEvent[] = [];
  const forged: TenantEvent[] = [];
  const expected = new Map<string, Map<string, ExpectedUser>>();
  let sequence = 0;
  organizations.forEach((organizationId, k) => {
    const users = new Map<string, ExpectedUser>();
    expected.set(organizationId, users);
    const envelope = (type: string, id: string, offset: number, object: string, data: Record<string, unknown>) => ({
      spec_version: '1',
      id,
      type,
      occurred_at: occurredAt(offset, ++sequence),
      organization_id: organizationId,
      object,
      data: { organization_id: organizationId, ...data },
    });
    for (let g = 1; g <= groupsPerOrg; g++) {
      events.push({
        organizationId,
        payload: envelope('organization.directory.group_created', `evt_${organizationId}_g${g}`, 0, 'DirectoryGroup', {
          id: `dirgroup_${g}`,
          display_name: `${organizationId} group ${g}`,
        }),
      });
    }
    for (let i = 1; i <= usersPerOrg; i++) {
      const id = `diruser_${i}`;
      const email = `user${i}@${organizationId}.example.com`;
      const group = `dirgroup_${((i + k) % groupsPerOrg) + 1}`;
      const record = { id, email, active: true, groups: [{ id: group }] };
      events.push({
        organizationId,
        payload: envelope(
          'organization.directory.user_created',
          `evt_${organizationId}_u${i}_c`,
          1,
          'DirectoryUser',
          record,
        ),
      });
      let state: ExpectedUser = { email, active: true, department: null, groups: [group] };
      if (i % 3 === 0) {
        const department = `dept ${organizationId}`;
        events.push({
          organizationId,
          payload: envelope(
            'organization.directory.user_updated',
            `evt_${organizationId}_u${i}_u`,
            2,
            'DirectoryUser',
            {
              ...record,
              department,
            },
          ),
        });
        state = { ...state, department };
      }
      if ((i + k) % 5 === 0) {
        events.push({
          organizationId,
          payload: envelope(
            'organization.directory.user_deleted',
            `evt_${organizationId}_u${i}_d`,
            3,
            'DirectoryUser',
            {
              id,
              email,
            },
          ),
        });
        state = { ...state, active: false };
      }
      users.set(id, state);
      if (i % 7 === 0) {
        const other = organizations[(k + 1) % organizations.length]!;
        const payload = envelope(
          'organization.directory.user_deleted',
          `evt_${organizationId}_u${i}_forged`,
          4,
          'DirectoryUser',
          { id, email, organization_id: other },
        );
        forged.push({ organizationId, payload });
      }
    }
  });
  return { events, forged, expected };
}

/**
 * Compares the store with the expected end state of every organization; one line per difference. A user
 * deleted before its creation arrived may be absent (its tombstone refused the late creation); a deleted
 * user's other fields are whatever the last change before the deletion left.
 */
export async function compareTenants(view: StoreView, expected: TenantTraffic['expected']): Promise<string[]> {
  const differences: string[] = [];
  for (const [organizationId, users] of expected) {
    const stored = await view.users(organizationId);
    for (const id of stored.keys()) {
      if (!users.has(id)) differences.push(`${organizationId}/${id}: stored, but never sent to this organization`);
    }
    for (const [id, want] of users) {
      const got = stored.get(id);
      if (got === undefined) {
        if (want.active) differences.push(`${organizationId}/${id}: missing`);
        continue;
      }
      if (got.email !== want.email)
        differences.push(`${organizationId}/${id}: email ${got.email}, expected ${want.email}`);
      if (got.active !== want.active)
        differences.push(`${organizationId}/${id}: active ${got.active}, expected ${want.active}`);
      if (!want.active) continue;
      if (got.department !== want.department) {
        differences.push(`${organizationId}/${id}: department ${got.department}, expected ${want.department}`);
      }
      if (got.groups.join() !== [...want.groups].sort().join()) {
        differences.push(`${organizationId}/${id}: groups [${got.groups}], expected [${want.groups}]`);
      }
    }
  }
  return differences;
}

/** A deterministic shuffle (mulberry32), so a failing run can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) await task(items[index]!, index);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
