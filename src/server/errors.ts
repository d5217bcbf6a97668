import { ERROR_CODES, type ErrorCode, type ErrorKind } from '../shared/contract/errors.js';

/**
 * A refusal with a stable code (src/shared/contract/errors.ts lists them with their kinds).
 * Domain code throws it without knowing who asked: the API's error handler answers it with the
 * status of its kind, the command line prints its message.
 */
export class DomainError extends Error {
  readonly kind: ErrorKind;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      details?: unknown;
      /** When asking again may succeed (throttling). */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.kind = ERROR_CODES[code];
  }
}

/** `what` does not exist (for this tenant). */
export const notFound = (what: string) => new DomainError('not_found', `${what} was not found.`);
