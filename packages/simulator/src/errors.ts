/** Stable error codes of the simulator's library API. */
export type SimulatorErrorCode =
  /** An input does not satisfy a Scalekit rule (id prefix, length, empty name, ...). */
  | 'INVALID_INPUT'
  /** The organization, directory, user or group does not exist. */
  | 'NOT_FOUND'
  /** An id is already taken. */
  | 'ALREADY_EXISTS'
  /** The directory is disabled: Scalekit does not take changes from the identity provider then. */
  | 'DIRECTORY_DISABLED'
  /** A wait (such as `webhooks.idle({ timeoutMs })`) ran out of time. */
  | 'TIMEOUT'
  /** The simulator was closed. */
  | 'CLOSED';

/** The one error class of `@scim/simulator`, with a stable `code`. */
export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;

  constructor(code: SimulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SimulatorError';
    this.code = code;
  }
}
