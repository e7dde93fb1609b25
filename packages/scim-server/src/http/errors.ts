export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 section 3.12. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** The SCIM error body: `status` is a string, as RFC 7644 says. */
export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/**
 * A request the protocol refuses. Thrown inside the request pipeline and turned into the SCIM error body;
 * it never leaves `handle`.
 */
export class ScimRequestError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    detail: string,
    scimType?: ScimType,
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScimRequestError';
    this.status = status;
    this.scimType = scimType;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (scimType: ScimType, detail: string, cause?: unknown) =>
  new ScimRequestError(400, detail, scimType, { cause });

export const notFound = (detail = 'Resource not found') => new ScimRequestError(404, detail);

export function errorBody(error: ScimRequestError): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(error.status), detail: error.message };
  if (error.scimType !== undefined) body.scimType = error.scimType;
  return body;
}
