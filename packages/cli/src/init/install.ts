import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import { dependencyVersion, type Project } from './project.js';

export interface InstallStep {
  dependencies: string[];
  devDependencies: string[];
}

/** The version range of the Scalekit SDK that @scim/core is tested with. */
const SCALEKIT_SDK = '@scalekit-sdk/node@^2.11.0';

/** The packages the integration needs that the app does not have yet. */
export function packagesToInstall(project: Project): { dependencies: string[]; devDependencies: string[] } {
  const wanted = ['@scim/core'];
  if (project.orm?.kind === 'prisma') wanted.push('@scim/adapter-prisma');
  if (project.orm?.kind === 'drizzle') wanted.push('@scim/adapter-drizzle');
  if (project.orm?.kind === 'mongoose') wanted.push('@scim/adapter-mongoose');
  if (project.framework.kind === 'express') wanted.push('@scim/http-express');
  if (project.framework.kind === 'fastify') wanted.push('@scim/http-fastify');
  wanted.push(SCALEKIT_SDK);
  const missing = (names: string[]) =>
    names.filter((spec) => dependencyVersion(project.packageJson, spec.replace(/(.)@.*$/, '$1')) === undefined);
  return { dependencies: missing(wanted), devDependencies: missing(['@scim/cli']) };
}

/**
 * `--packages-from <checkout>`: the @scim packages from a local checkout of the SDK's repository (built), for
 * trying unreleased versions; pnpm links them, the other package managers install the folder.
 */
export function localSpecifiers(project: Project, checkout: string): Map<string, string> {
  const packagesDir = join(resolve(project.root, checkout), 'packages');
  if (!existsSync(packagesDir)) throw new CliError(`--packages-from: no packages/ folder in ${checkout}`);
  const protocol = project.packageManager === 'pnpm' ? 'link:' : 'file:';
  const specifiers = new Map<string, string>();
  for (const dir of readdirSync(packagesDir)) {
    const manifest = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
    if (name?.startsWith('@scim/')) specifiers.set(name, `${name}@${protocol}${join(packagesDir, dir)}`);
  }
  return specifiers;
}

export function installCommands(
  project: Project,
  step: InstallStep,
  local: Map<string, string> | undefined,
): string[][] {
  const spec = (name: string) => local?.get(name) ?? name;
  const commands: string[][] = [];
  const verb = { pnpm: ['pnpm', 'add'], npm: ['npm', 'install'], yarn: ['yarn', 'add'], bun: ['bun', 'add'] }[
    project.packageManager
  ];
  const dev = project.packageManager === 'npm' ? '--save-dev' : '-D';
  if (step.dependencies.length > 0) commands.push([...verb, ...step.dependencies.map(spec)]);
  if (step.devDependencies.length > 0) commands.push([...verb, dev, ...step.devDependencies.map(spec)]);
  return commands;
}

/** Runs the app's package manager, its output going to stderr; a failure stops init before any file is written. */
export async function runInstall(project: Project, commands: string[][], io: CliIO): Promise<void> {
  for (const [command, ...args] of commands) {
    const code = await new Promise<number>((resolvePromise, reject) => {
      const child = spawn(command!, args, {
        cwd: project.root,
        env: { ...process.env, ...io.env } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: process.platform === 'win32',
      });
      child.stdout.on('data', (chunk: Buffer) => io.stderr.write(chunk));
      child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk));
      child.on('error', reject);
      child.on('close', (status) => resolvePromise(status ?? 1));
    }).catch((error: unknown) => {
      throw new CliError(`could not run ${command}`, { cause: error, hint: 'Install it, or pass --no-install.' });
    });
    if (code !== 0) {
      throw new CliError(`\`${[command, ...args].join(' ')}\` failed (exit code ${code}); nothing else was changed`);
    }
  }
}
