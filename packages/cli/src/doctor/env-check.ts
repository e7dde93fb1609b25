import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { createWebhookVerifier } from '@scim/core';
import type { CliIO } from '../io.js';
import { type CheckResult, check } from './types.js';

export const SCALEKIT_VARIABLES = [
  'SCALEKIT_ENVIRONMENT_URL',
  'SCALEKIT_CLIENT_ID',
  'SCALEKIT_CLIENT_SECRET',
  'SCALEKIT_WEBHOOK_SECRET',
] as const;
export type ScalekitVariable = (typeof SCALEKIT_VARIABLES)[number];

/** A variable's value and where it came from: the process environment wins over the app's `.env`. */
export interface EnvValue {
  value: string;
  source: 'environment' | '.env';
}

export type ScalekitEnv = Partial<Record<ScalekitVariable, EnvValue>>;

/** The Scalekit variables as the app would see them: its environment, then its `.env` file. */
export function readScalekitEnv(io: CliIO): ScalekitEnv {
  const path = join(io.cwd, '.env');
  const file = existsSync(path) ? parseEnv(readFileSync(path, 'utf8')) : {};
  const env: ScalekitEnv = {};
  for (const name of SCALEKIT_VARIABLES) {
    const fromProcess = io.env[name];
    const fromFile = (file as Record<string, string | undefined>)[name];
    if (fromProcess !== undefined && fromProcess !== '') env[name] = { value: fromProcess, source: 'environment' };
    else if (fromFile !== undefined && fromFile !== '') env[name] = { value: fromFile, source: '.env' };
  }
  return env;
}

const WHERE: Record<ScalekitVariable, string> = {
  SCALEKIT_ENVIRONMENT_URL: 'Scalekit dashboard > Developers > Settings > API credentials (Environment URL)',
  SCALEKIT_CLIENT_ID: 'Scalekit dashboard > Developers > Settings > API credentials (Client ID)',
  SCALEKIT_CLIENT_SECRET: 'Scalekit dashboard > Developers > Settings > API credentials (generate a client secret)',
  SCALEKIT_WEBHOOK_SECRET: 'Scalekit dashboard > Webhooks > your endpoint > Signing secret',
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether the value looks pasted with something around it (quotes, spaces, a line break). */
function pastedBadly(value: string): boolean {
  return /\s/.test(value) || /^["']|["']$/.test(value);
}

function missing(name: ScalekitVariable): CheckResult {
  return check(`env.${name}`, name, 'fail', 'not set (neither in the environment nor in .env)', {
    fix: `Add ${name}=... to the app's .env (never commit it). Where to find it: ${WHERE[name]}.`,
  });
}

function from(value: EnvValue): string {
  return value.source === 'environment' ? 'from the environment' : 'from .env';
}

function environmentUrl(value: EnvValue): CheckResult {
  const id = 'env.SCALEKIT_ENVIRONMENT_URL';
  const title = 'SCALEKIT_ENVIRONMENT_URL';
  let url: URL;
  try {
    url = new URL(value.value);
  } catch {
    return check(id, title, 'fail', `not a URL (${from(value)})`, {
      fix: `Set it to your environment's URL, e.g. https://your-app.scalekit.dev (${WHERE.SCALEKIT_ENVIRONMENT_URL}).`,
    });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return check(id, title, 'fail', `${url.origin} is not https (${from(value)})`, {
      fix: 'Scalekit is served over https; http is only for a local simulator on localhost.',
    });
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return check(id, title, 'fail', `${url.origin}${url.pathname} has a path; the environment URL is an origin`, {
      fix: `Set it to ${url.origin} (no path).`,
    });
  }
  return check(id, title, 'pass', `${url.origin} (${from(value)})`, {
    data: { url: url.origin, source: value.source },
  });
}

function credential(name: 'SCALEKIT_CLIENT_ID' | 'SCALEKIT_CLIENT_SECRET', value: EnvValue): CheckResult {
  if (pastedBadly(value.value)) {
    return check(`env.${name}`, name, 'fail', `has quotes or whitespace in it (${from(value)})`, {
      fix: `Copy it again from ${WHERE[name]}, without quotes or spaces.`,
    });
  }
  return check(`env.${name}`, name, 'pass', `set (${from(value)})`, { data: { source: value.source } });
}

function webhookSecret(value: EnvValue): CheckResult {
  const id = 'env.SCALEKIT_WEBHOOK_SECRET';
  const title = 'SCALEKIT_WEBHOOK_SECRET';
  const fix = `Copy the signing secret again from ${WHERE.SCALEKIT_WEBHOOK_SECRET}: it is whsec_ followed by base64.`;
  if (!value.value.startsWith('whsec_')) {
    return check(id, title, 'fail', `does not start with whsec_ (${from(value)})`, { fix });
  }
  try {
    createWebhookVerifier({ secret: value.value });
  } catch {
    return check(id, title, 'fail', `is not whsec_ followed by base64 (${from(value)})`, { fix });
  }
  return check(id, title, 'pass', `whsec_ secret, well-formed (${from(value)})`, { data: { source: value.source } });
}

/** One line per variable: present, and well-formed where its form is known. */
export function checkEnv(env: ScalekitEnv): CheckResult[] {
  return SCALEKIT_VARIABLES.map((name) => {
    const value = env[name];
    if (value === undefined) return missing(name);
    switch (name) {
      case 'SCALEKIT_ENVIRONMENT_URL':
        return environmentUrl(value);
      case 'SCALEKIT_WEBHOOK_SECRET':
        return webhookSecret(value);
      default:
        return credential(name, value);
    }
  });
}
