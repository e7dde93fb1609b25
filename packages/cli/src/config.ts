import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScimEngine } from '@scim/core';
import { createJiti } from 'jiti';
import { CliError } from './errors.js';

/**
 * What an app's `scim.config.*` exports (the integration module `scim init` writes, or one the
 * app writes itself): how to build the app's engine, which organizations it serves, and how to
 * let go of its connections when a command ends.
 */
export interface ScimCliConfig {
  /** The app's engine, as the app builds it (same adapter, user layer, policies and hooks). */
  engine: () => ScimEngine | Promise<ScimEngine>;
  /** The organizations `--all` means; without it, `--all` is refused. */
  organizations?: () => readonly string[] | Promise<readonly string[]>;
  /** The app's local webhook URL (for `scim doctor`), e.g. http://localhost:3000/webhooks/scalekit. */
  webhookUrl?: string;
  /** Closes what engine() opened (database pools); called once when the command ends. */
  close?: () => void | Promise<void>;
}

/** Types the config for the editor; returns it unchanged. */
export function defineConfig(config: ScimCliConfig): ScimCliConfig {
  return config;
}

export const CONFIG_FILES = [
  'scim.config.ts',
  'scim.config.mts',
  'scim.config.cts',
  'scim.config.js',
  'scim.config.mjs',
  'scim.config.cjs',
] as const;

/** The config file: the path given, or the first of CONFIG_FILES in the app's folder. */
export function findConfig(cwd: string, given?: string): string {
  if (given !== undefined) {
    const path = resolve(cwd, given);
    if (!existsSync(path)) throw new CliError(`no config file at ${path}`);
    return path;
  }
  for (const name of CONFIG_FILES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  throw new CliError(`no scim.config file in ${cwd}`, {
    hint: 'Run `scim init` to write one, or pass --config <path> to the module that builds your engine.',
  });
}

/**
 * Loads the app's config (TypeScript or JavaScript, ESM or CommonJS) with jiti, as the app's own
 * tools would, and checks its shape. A module that throws is reported with its cause.
 */
export async function loadConfig(cwd: string, given?: string): Promise<{ path: string; config: ScimCliConfig }> {
  const path = findConfig(cwd, given);
  let loaded: unknown;
  try {
    loaded = await withoutAppModulesCached(path, async () => {
      if (isCommonJs(path)) {
        const exported = createRequire(path)(path) as { default?: unknown } | undefined;
        return exported && typeof exported === 'object' && 'default' in exported ? exported.default : exported;
      }
      const jiti = createJiti(pathToFileURL(path).href, { interopDefault: true, moduleCache: false });
      return jiti.import(path, { default: true });
    });
  } catch (error) {
    throw new CliError(`${path} could not be loaded`, { cause: error });
  }
  const config = loaded as Partial<ScimCliConfig> | undefined;
  if (!config || typeof config.engine !== 'function') {
    throw new CliError(`${path} does not export a config with an engine() function`, {
      hint: "Export `defineConfig({ engine: () => createScimEngine(...) })` from '@scim/cli' as the default export.",
    });
  }
  return { path, config: config as ScimCliConfig };
}

/**
 * A CommonJS config: `.cjs`, or `.js` of a package that is not `"type": "module"` and without import/export.
 * jiti hands such a file to Node as it is, whose module cache jiti's `moduleCache: false` does not reach (an
 * `import()` of it is cached for good). It is required here instead, so that its modules can be let go of.
 */
function isCommonJs(path: string): boolean {
  if (path.endsWith('.cjs')) return true;
  if (!path.endsWith('.js')) return false;
  if (/^\s*(import|export)\b/m.test(readFileSync(path, 'utf8'))) return false;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type !== 'module';
      } catch {
        return true;
      }
    }
    if (dirname(dir) === dir) return true;
  }
}

/**
 * Loads the config, then takes the app's own modules it loaded through Node's `require` (not its dependencies)
 * out of Node's module cache: the next command run in the same process (`run()` called again, as tests and
 * scripts do) builds its engine and opens its database anew, rather than getting the ones the last command closed.
 */
async function withoutAppModulesCached<T>(path: string, load: () => Promise<T>): Promise<T> {
  const { cache } = createRequire(path);
  const before = new Set(Object.keys(cache));
  try {
    return await load();
  } finally {
    for (const key of Object.keys(cache)) {
      if (!before.has(key) && !key.split(sep).includes('node_modules')) delete cache[key];
    }
  }
}

/**
 * Builds the app's engine from its config, runs `use` with it, and closes the app's connections
 * whatever happens.
 */
export async function withEngine<T>(
  cwd: string,
  given: string | undefined,
  use: (engine: ScimEngine, config: ScimCliConfig) => Promise<T>,
): Promise<T> {
  const { path, config } = await loadConfig(cwd, given);
  return useEngine(path, config, use);
}

/**
 * The second half of `withEngine`, for a command that checks its arguments against the loaded
 * config (its organizations) before it opens anything of the app's.
 */
export async function useEngine<T>(
  path: string,
  config: ScimCliConfig,
  use: (engine: ScimEngine, config: ScimCliConfig) => Promise<T>,
): Promise<T> {
  let engine: ScimEngine;
  try {
    engine = await config.engine();
  } catch (error) {
    await config.close?.();
    throw new CliError(`the engine of ${path} could not be built`, { cause: error });
  }
  try {
    return await use(engine, config);
  } finally {
    await config.close?.();
  }
}
