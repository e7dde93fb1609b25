import { startSimulator } from '@scim/simulator';

/**
 * Without SCALEKIT_* variables the app runs against a local Scalekit: @scim/simulator with a seeded
 * directory, subscribed to this app's webhook route, so that `pnpm start` shows provisioning at once. With a
 * `webhookSecret` (SCALEKIT_WEBHOOK_SECRET) it signs with that one, the secret the app verifies with.
 */
export async function startDevSimulator(webhookUrl: () => string, webhookSecret?: string) {
  const sim = await startSimulator({
    seed: 7,
    timeScale: 0.01,
    ...(webhookSecret === undefined ? {} : { credentials: { webhookSecret } }),
  });
  const organization = sim.state.createOrganization({ name: 'Example Corp' });
  return {
    sim,
    organizationId: organization.id,
    scalekit: {
      environmentUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      webhookSecret: sim.credentials.webhookSecret,
    },
    /** Subscribes the app and provisions a small directory through webhooks. */
    connect() {
      sim.webhooks.subscribe(webhookUrl());
      const directory = sim.state.createDirectory(organization.id, { provider: 'OKTA', name: 'Okta' });
      sim.state.seed({
        users: 25,
        groups: 5,
        organizationId: organization.id,
        directoryId: directory.id,
        events: true,
      });
    },
  };
}
