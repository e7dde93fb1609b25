import type { ScimCliConfig } from './config.js';
import { CliError } from './errors.js';

/** The organizations the app's config says it serves, or undefined when it does not say. */
export async function knownOrganizations(config: ScimCliConfig): Promise<readonly string[] | undefined> {
  if (config.organizations === undefined) return undefined;
  try {
    return await config.organizations();
  } catch (error) {
    throw new CliError('the organizations() of the config failed', { cause: error });
  }
}

/**
 * Which organizations a command acts on: the one given (refused when the config lists its
 * organizations and this one is not among them), every one of the config with `all`, or the only one
 * the config lists.
 */
export async function chooseOrganizations(
  config: ScimCliConfig,
  options: { org?: string; all?: boolean },
): Promise<string[]> {
  const known = await knownOrganizations(config);
  if (options.org !== undefined) {
    if (known !== undefined && !known.includes(options.org)) {
      throw new CliError(`unknown organization ${options.org}`, {
        hint: `The config's organizations() lists ${describe(known)}.`,
      });
    }
    return [options.org];
  }
  if (options.all) {
    if (known === undefined) {
      throw new CliError('--all needs the organizations your app serves', {
        hint: 'Add `organizations: () => [...]` to your scim.config (e.g. read from your tenants table), or pass --org <id>.',
      });
    }
    if (known.length === 0) throw new CliError("--all: the config's organizations() lists none");
    return [...known];
  }
  if (known?.length === 1) return [known[0]!];
  throw new CliError('say which organization: --org <id>, or --all', {
    ...(known === undefined ? {} : { hint: `The config's organizations() lists ${describe(known)}.` }),
  });
}

function describe(known: readonly string[]): string {
  if (known.length === 0) return 'none';
  const shown = known.slice(0, 5).join(', ');
  return known.length > 5 ? `${shown} and ${known.length - 5} more` : shown;
}
