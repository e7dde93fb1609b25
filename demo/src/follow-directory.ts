import type { DeliveryAttempt, Simulator } from '@scim/simulator';
import { appApi } from './app-api.js';
import { type Comparison, compareWithDirectory } from './compare.js';
import { playStory } from './story.js';

export interface FollowResult {
  organizationId: string;
  directoryId: string;
  /** Delivery attempts the app answered with an error (a correct app has none). */
  failedDeliveries: DeliveryAttempt[];
  afterWebhooks: Comparison;
  /** Users the reconcile updated: exactly the one change the app missed. */
  reconcileUpdated: number;
  afterReconcile: Comparison;
}

/**
 * The examples' end-to-end check: a directory provisioned by webhook with duplicate and reordered
 * deliveries (the story), compared with the app; then a change the app misses (its webhook is
 * unsubscribed), a full reconcile through the Directory API, and a second comparison.
 */
export async function followAndReconcile(sim: Simulator, appUrl: string, adminToken: string): Promise<FollowResult> {
  const webhookUrl = new URL('/webhooks/scalekit', appUrl).toString();
  const organization = sim.state.createOrganization();
  sim.webhooks.subscribe(webhookUrl);
  sim.webhooks.setFaults({ duplicateRate: 0.3, reorderWindow: 6, concurrency: 6 });
  const directory = sim.state.createDirectory(organization.id);
  const story = await playStory(sim, {
    users: 60,
    groups: 6,
    movers: 5,
    leavers: 6,
    organizationId: organization.id,
    directoryId: directory.id,
    say: () => {},
  });
  const failedDeliveries = sim.webhooks.log().filter((attempt) => attempt.outcome === 'failed');

  const api = appApi(appUrl, adminToken);
  const compare = async () =>
    compareWithDirectory(story.truth(), {
      users: await api.users(organization.id),
      groups: await api.groups(organization.id),
    });
  const afterWebhooks = await compare();

  sim.webhooks.unsubscribe(webhookUrl);
  const someone = sim.state.users(directory.id)[0]!;
  sim.state.updateUser(someone.id, { department: 'Reconciled' });
  const report = (await api.sync(organization.id, 'full')) as { users: { updated: number } };

  return {
    organizationId: organization.id,
    directoryId: directory.id,
    failedDeliveries,
    afterWebhooks,
    reconcileUpdated: report.users.updated,
    afterReconcile: await compare(),
  };
}

/** How the app answers a badly signed delivery and an admin call without its token. */
export async function unauthenticatedAnswers(appUrl: string): Promise<{ webhook: number; admin: number }> {
  const webhook = await fetch(new URL('/webhooks/scalekit', appUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': 'evt_1',
      'webhook-timestamp': '1',
      'webhook-signature': 'v1,AAAA',
    },
    body: '{}',
  });
  const admin = await fetch(new URL('/admin/sync', appUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationId: 'org_x' }),
  });
  return { webhook: webhook.status, admin: admin.status };
}
