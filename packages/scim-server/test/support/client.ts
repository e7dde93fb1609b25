export interface Answer {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read by shape
  body: any;
}

/** A minimal SCIM client over fetch, for tests that are not vectors. */
export function scimClient(baseUrl: string, token: string | undefined) {
  return async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const all: Record<string, string> = { ...headers };
    if (token !== undefined) all.authorization ??= `Bearer ${token}`;
    let payload: string | Uint8Array | undefined;
    if (body instanceof Uint8Array || typeof body === 'string') payload = body;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) all['content-type'] ??= 'application/scim+json';
    const response = await fetch(baseUrl + path, { method, headers: all, body: payload });
    const text = await response.text();
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: text === '' ? undefined : JSON.parse(text),
    };
  };
}

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export const patchBody = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

export const user = (name: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `${name}@example.com`,
  name: { givenName: name, familyName: 'Test' },
  emails: [{ value: `${name}@example.com`, type: 'work', primary: true }],
  active: true,
  ...extra,
});
