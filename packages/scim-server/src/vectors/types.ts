/**
 * Request/response vectors: the requests identity providers send, and what a SCIM server must answer and end
 * in. Strings may hold `{{name}}` placeholders: `{{run}}` is unique per run (so userNames never collide with
 * a deployment's data), the others are captured from earlier answers (`capture`).
 */

export type VectorProvider = 'okta-generic' | 'okta-oin' | 'entra' | 'google' | 'protocol';

/** A path into a JSON answer: dotted (`meta.version`, `Resources.0.id`), or keys (for URN keys with dots). */
export type JsonPath = string | readonly string[];

export type VectorCheck =
  /** Deep equality. */
  | { at: JsonPath; equals: unknown }
  /** Objects: the expected keys match (recursively); arrays: each expected element matches some element. */
  | { at: JsonPath; matches: unknown }
  /** Nothing at the path (`excludedAttributes`, a removed attribute, `password`). */
  | { at: JsonPath; absent: true }
  /** An array without any element matching. */
  | { at: JsonPath; lacks: unknown }
  /** The array's length. */
  | { at: JsonPath; length: number };

export interface VectorRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the SCIM base URL, e.g. `/Users/{{alice}}`. */
  path: string;
  /** Query parameters, values unencoded. */
  query?: Record<string, string>;
  /** A JSON body, or `{ raw }` for bytes that are not JSON. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** `'none'`: no Authorization header; `'invalid'`: a token no server issued. Default: the runner's token. */
  auth?: 'none' | 'invalid';
}

export interface VectorExpectation {
  /** The status, or the acceptable ones (RFC 7644 lets PATCH answer 200 or 204). */
  status: number | readonly number[];
  /** For errors: the SCIM error's `scimType` (and the body must be a SCIM error with `status` as a string). */
  scimType?: string;
  /** Header names (lower-case) that must be present, with a value, or `true` for any value. */
  headers?: Record<string, string | true>;
  body?: readonly VectorCheck[];
}

export interface VectorStep {
  /** What the step does, as an identity provider would. */
  name: string;
  request: VectorRequest;
  expect: VectorExpectation;
  /** Placeholder name -> path in the answer (for example `{ alice: 'id' }`). */
  capture?: Record<string, JsonPath>;
}

/**
 * What the app must end in, in the engine's terms: checked by this package's tests against
 * `memoryScimStore().directory()` (a runner against a deployment sees only the SCIM side).
 */
export type DirectoryExpectation =
  | { user: string; matches: Record<string, unknown> }
  | { user: string; deleted: true }
  | { group: string; members: string[] }
  | { group: string; deleted: true };

export interface ScimVector {
  /** Stable id, e.g. `entra-remove-member-by-value`. */
  id: string;
  provider: VectorProvider;
  title: string;
  /** The fact it checks, quoted from the facts page (docs/scim-server.md) or RFC 7644. */
  fact: string;
  steps: readonly VectorStep[];
  directory?: readonly DirectoryExpectation[];
}
