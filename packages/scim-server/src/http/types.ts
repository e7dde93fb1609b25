export type ScimHeaders = Record<string, string | string[] | undefined>;

export type ScimQuery = string | URLSearchParams | Record<string, string | string[] | undefined>;

/** One HTTP request, as a binding hands it to `ScimServer.handle`. */
export interface ScimRequest {
  method: string;
  /** The path below the SCIM base URL, e.g. `/Users/2819c223` (a trailing slash is ignored). */
  path: string;
  /** The query string (with or without `?`), or its parsed form. */
  query?: ScimQuery;
  headers: ScimHeaders;
  /** The raw body bytes (or text); absent for GET and DELETE. */
  body?: Uint8Array | string | null;
  /**
   * The absolute URL of the SCIM base (`https://app.example.com/scim/v2`), for `meta.location` and `Location`.
   * `createScimServer({ baseUrl })` takes precedence; without either, locations are paths.
   */
  baseUrl?: string;
}

/** The answer; `body` is a JSON value for the binding to serialise (absent for 204 and 304). */
export interface ScimResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}
