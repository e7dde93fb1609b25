import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
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
  const jiti = createJiti(pathToFileURL(path).href, { interopDefault: true, moduleCache: false });
  let loaded: unknown;
  try {
    loaded = await jiti.import(path, { default: true });
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
