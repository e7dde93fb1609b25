import { codesOf, messagesOf, rootMessage } from './error-facts.js';
import type { CheckResult } from './types.js';
import { check } from './types.js';

type ScalekitSdk = typeof import('@scalekit-sdk/node');
type DirectoriesPb = typeof import('@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js');

export interface ScalekitCredentials {
  environmentUrl: string;
  clientId: string;
  clientSecret: string;
}

/** An organization id nobody has: asking for it tells whether the credentials work, without an organization. */
const PROBE_ORGANIZATION = 'org_scimdoctorprobe';
const TIMEOUT_MS = 15_000;

async function loadSdk(): Promise<{ sdk: ScalekitSdk; pb: DirectoriesPb } | undefined> {
  try {
    const sdk = (await import('@scalekit-sdk/node')) as ScalekitSdk & { default?: ScalekitSdk };
    const pb = (await import(
      '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js'
    )) as DirectoriesPb & { default?: DirectoriesPb };
    return { sdk: sdk.ScalekitClient ? sdk : sdk.default!, pb: pb.DirectoryProvider ? pb : pb.default! };
  } catch {
    return undefined;
  }
}

function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { response?: { status?: unknown } }).response?.status;
  return typeof status === 'number' ? status : undefined;
}

function isNotFound(sdk: ScalekitSdk, error: unknown): boolean {
  return error instanceof sdk.ScalekitNotFoundException || (error as { grpcStatus?: unknown }).grpcStatus === 5;
}

/** Scalekit authenticated the call and then refused the organization id (unknown, or not of its form). */
function refusedOrganization(sdk: ScalekitSdk, error: unknown): boolean {
  return (
    isNotFound(sdk, error) ||
    error instanceof sdk.ScalekitBadRequestException ||
    (error as { grpcStatus?: unknown }).grpcStatus === 3
  );
}

const NETWORK = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ECONNABORTED'];

/** Why a call failed, as a checklist line about the credentials. */
function credentialsFailure(sdk: ScalekitSdk, error: unknown, environmentUrl: string): CheckResult {
  const title = 'Scalekit credentials';
  const status = httpStatusOf(error);
  if (status === 401 || status === 400 || error instanceof sdk.ScalekitUnauthorizedException) {
    return check('scalekit.credentials', title, 'fail', `${environmentUrl} refused the client id and secret`, {
      fix:
        'SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET do not match this environment. Generate a new secret in ' +
        'Scalekit dashboard > Developers > Settings > API credentials, and check that the environment URL is the ' +
        'one those credentials belong to (development and production have their own).',
    });
  }
  // The gRPC transport keeps the socket's code in its message only ("[unavailable] connect ECONNREFUSED ...").
  const unreachable =
    codesOf(error).some((code) => NETWORK.includes(code)) ||
    messagesOf(error).some((message) => NETWORK.some((code) => message.includes(code)));
  if (unreachable) {
    return check('scalekit.credentials', title, 'fail', `${environmentUrl} cannot be reached (${rootMessage(error)})`, {
      fix: 'Check SCALEKIT_ENVIRONMENT_URL, and that this machine can reach it (proxy, firewall, DNS).',
    });
  }
  return check('scalekit.credentials', title, 'fail', `the Directory API call failed: ${rootMessage(error)}`, {
    fix: 'Check the environment URL and the credentials; run again with the same variables to see if it lasts.',
  });
}

/**
 * The credentials get a token and list each organization's directories, through the real Scalekit client
 * (the same calls a sync makes). One line for the credentials, one per organization.
 */
export async function checkScalekit(
  credentials: ScalekitCredentials,
  organizations: readonly string[],
): Promise<CheckResult[]> {
  const loaded = await loadSdk();
  if (loaded === undefined) {
    return [
      check('scalekit.credentials', 'Scalekit credentials', 'fail', '@scalekit-sdk/node is not installed in this app', {
        fix: 'Install it with your package manager, e.g. `pnpm add @scalekit-sdk/node`.',
      }),
    ];
  }
  const { sdk, pb } = loaded;
  const client = new sdk.ScalekitClient(credentials.environmentUrl, credentials.clientId, credentials.clientSecret, {
    timeoutMs: TIMEOUT_MS,
  });
  const results: CheckResult[] = [];
  const first = organizations[0] ?? PROBE_ORGANIZATION;
  let firstAnswer: Awaited<ReturnType<typeof client.directory.listDirectories>> | unknown;
  try {
    firstAnswer = await client.directory.listDirectories(first);
  } catch (error) {
    if (!refusedOrganization(sdk, error)) return [credentialsFailure(sdk, error, credentials.environmentUrl)];
    firstAnswer = error;
  }
  results.push(
    check(
      'scalekit.credentials',
      'Scalekit credentials',
      'pass',
      `a token from ${credentials.environmentUrl}, Directory API answers`,
    ),
  );
  if (organizations.length === 0) {
    results.push(
      check('scalekit.organizations', 'Organizations', 'fail', 'no organization to check', {
        fix: 'Pass --org <org_id>, or add `organizations: () => [...]` to scim.config.',
      }),
    );
    return results;
  }
  for (const organizationId of organizations) {
    let answer: unknown;
    try {
      answer = organizationId === first ? firstAnswer : await client.directory.listDirectories(organizationId);
    } catch (error) {
      answer = error;
    }
    results.push(organizationLine(sdk, pb, organizationId, answer));
  }
  return results;
}

interface DirectoryFacts {
  id: string;
  name: string;
  provider: string;
  type: string;
  enabled: boolean;
  totalUsers: number;
}

function organizationLine(sdk: ScalekitSdk, pb: DirectoriesPb, organizationId: string, answer: unknown): CheckResult {
  const id = `scalekit.organization.${organizationId}`;
  const title = `Organization ${organizationId}`;
  if (answer instanceof Error || isNotFound(sdk, answer)) {
    if (isNotFound(sdk, answer)) {
      return check(id, title, 'fail', 'Scalekit has no such organization in this environment', {
        fix:
          'Copy the id from Scalekit dashboard > Organizations, and check that SCALEKIT_ENVIRONMENT_URL is the ' +
          'environment it lives in (development and production are separate).',
        data: { organizationId },
      });
    }
    if (refusedOrganization(sdk, answer)) {
      return check(id, title, 'fail', `Scalekit refused the organization id: ${rootMessage(answer)}`, {
        fix: 'Copy the id (org_...) from Scalekit dashboard > Organizations.',
        data: { organizationId },
      });
    }
    return check(id, title, 'fail', `listing its directories failed: ${rootMessage(answer)}`, {
      fix: "Run again; if it lasts, check Scalekit's status and this machine's network.",
      data: { organizationId },
    });
  }
  const listed = (answer as { directories?: unknown[] }).directories ?? [];
  const directories: DirectoryFacts[] = listed.map((raw) => {
    const d = raw as {
      id: string;
      name: string;
      directoryProvider: number;
      directoryType: number;
      enabled: boolean;
      totalUsers?: number;
    };
    return {
      id: d.id,
      name: d.name,
      provider: pb.DirectoryProvider[d.directoryProvider] ?? String(d.directoryProvider),
      type: pb.DirectoryType[d.directoryType] ?? String(d.directoryType),
      enabled: d.enabled,
      totalUsers: d.totalUsers ?? 0,
    };
  });
  const data = { organizationId, directories };
  if (directories.length === 0) {
    return check(id, title, 'fail', 'no directory is set up for this organization', {
      fix: 'Set up directory sync for it in Scalekit dashboard > Organizations > the organization > Directory Sync.',
      data,
    });
  }
  const detail = directories
    .map((d) => `${d.id} (${d.provider}, ${d.type}) ${d.enabled ? 'enabled' : 'DISABLED'}, ${d.totalUsers} users`)
    .join('; ');
  if (!directories.some((d) => d.enabled)) {
    return check(id, title, 'warn', detail, {
      fix: 'A disabled directory sends no events and syncs nothing: enable it in the Scalekit dashboard (or have the customer finish the setup).',
      data,
    });
  }
  return check(id, title, 'pass', detail, { data });
}
