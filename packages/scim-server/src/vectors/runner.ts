import { randomBytes } from 'node:crypto';
import { scimVectors } from './all.js';
import { failedCheck, substitute, valueAt } from './match.js';
import type { ScimVector, VectorProvider, VectorRequest, VectorStep } from './types.js';

export interface RunScimVectorsOptions {
  /** The SCIM base URL, e.g. `https://app.example.com/scim/v2`. */
  baseUrl: string;
  /** A bearer token of a test organization: the vectors create, change and delete users and groups. */
  token: string;
  /** Default: all of `scimVectors`. */
  vectors?: readonly ScimVector[];
  /** Delete what each vector created once it is done. Default true. */
  cleanup?: boolean;
  /** Called after a vector's steps and before its cleanup, with its placeholders (captured ids). */
  afterVector?: (vector: ScimVector, variables: Readonly<Record<string, string>>) => void | Promise<void>;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

export interface ScimVectorResult {
  id: string;
  provider: VectorProvider;
  title: string;
  fact: string;
  passed: boolean;
  failures: string[];
  durationMs: number;
  variables: Record<string, string>;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

async function send(options: RunScimVectorsOptions, request: VectorRequest): Promise<Answer> {
  const query = request.query === undefined ? '' : `?${new URLSearchParams(request.query).toString()}`;
  const headers: Record<string, string> = { accept: 'application/scim+json' };
  if (request.auth === undefined) headers.authorization = `Bearer ${options.token}`;
  if (request.auth === 'invalid') headers.authorization = `Bearer not-a-token-${randomBytes(8).toString('hex')}`;
  let body: string | undefined;
  if (request.raw !== undefined) body = request.raw;
  else if (request.body !== undefined) body = JSON.stringify(request.body);
  if (body !== undefined) headers['content-type'] = 'application/scim+json';
  Object.assign(headers, request.headers);
  const response = await (options.fetch ?? fetch)(options.baseUrl.replace(/\/+$/, '') + request.path + query, {
    method: request.method,
    headers,
    body,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

function checkStep(step: VectorStep, answer: Answer, variables: Record<string, string>): string[] {
  const failures: string[] = [];
  const expected = step.expect;
  const statuses = typeof expected.status === 'number' ? [expected.status] : expected.status;
  if (!statuses.includes(answer.status)) {
    const error = answer.body as { scimType?: string; detail?: string } | undefined;
    const why = error?.detail === undefined ? '' : ` (${error.scimType ?? 'no scimType'}: ${error.detail})`;
    return [`expected status ${statuses.join(' or ')}, got ${answer.status}${why}`];
  }
  if (expected.scimType !== undefined || answer.status >= 400) {
    const error = answer.body as { schemas?: unknown; status?: unknown; scimType?: unknown } | undefined;
    if (!Array.isArray(error?.schemas) || !error.schemas.includes(ERROR_SCHEMA)) failures.push('not a SCIM error body');
    if (error?.status !== String(answer.status)) failures.push('error status is not the HTTP status as a string');
    if (expected.scimType !== undefined && error?.scimType !== expected.scimType) {
      failures.push(`expected scimType ${expected.scimType}, got ${String(error?.scimType)}`);
    }
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const actual = answer.headers.get(name);
    if (actual === null) failures.push(`missing header ${name}`);
    else if (value !== true && actual !== substitute(value, variables)) failures.push(`header ${name} is ${actual}`);
  }
  for (const check of expected.body ?? []) {
    const failure = failedCheck(answer.body, substitute(check, variables));
    if (failure !== undefined) failures.push(failure);
  }
  return failures;
}

async function runVector(options: RunScimVectorsOptions, vector: ScimVector): Promise<ScimVectorResult> {
  const started = performance.now();
  const variables: Record<string, string> = { run: randomBytes(5).toString('hex') };
  const created: string[] = [];
  const failures: string[] = [];
  for (const [index, step] of vector.steps.entries()) {
    let answer: Answer;
    try {
      answer = await send(options, substitute(step.request, variables));
    } catch (error) {
      failures.push(`step ${index + 1} (${step.name}): request failed: ${(error as Error).message}`);
      break;
    }
    const id = (answer.body as { id?: unknown } | undefined)?.id;
    if (answer.status === 201 && typeof id === 'string') created.push(`${step.request.path}/${id}`);
    const stepFailures = checkStep(step, answer, variables);
    for (const [name, path] of Object.entries(step.capture ?? {})) {
      const value = valueAt(answer.body, path);
      if (typeof value === 'string' || typeof value === 'number') variables[name] = String(value);
      else stepFailures.push(`nothing to capture as ${name}`);
    }
    if (stepFailures.length > 0) {
      failures.push(...stepFailures.map((failure) => `step ${index + 1} (${step.name}): ${failure}`));
      break;
    }
  }
  await options.afterVector?.(vector, variables);
  if (options.cleanup !== false) {
    // Groups first, so no membership is left pointing at a deleted user.
    const order = [...created].sort((a, b) => Number(b.startsWith('/Groups')) - Number(a.startsWith('/Groups')));
    for (const path of order) await send(options, { method: 'DELETE', path }).catch(() => undefined);
  }
  return {
    id: vector.id,
    provider: vector.provider,
    title: vector.title,
    fact: vector.fact,
    passed: failures.length === 0,
    failures,
    durationMs: Math.round(performance.now() - started),
    variables,
  };
}

/**
 * Replays the vectors against a SCIM server (any implementation) and reports each one. Vectors run one after
 * another; each creates its own users and groups, with names unique to the run, and deletes them afterwards.
 */
export async function runScimVectors(options: RunScimVectorsOptions): Promise<ScimVectorResult[]> {
  const results: ScimVectorResult[] = [];
  for (const vector of options.vectors ?? scimVectors) results.push(await runVector(options, vector));
  return results;
}
