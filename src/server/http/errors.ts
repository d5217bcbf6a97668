/**
 * The one error shape of the API: `{"error": {"code", "message"}}` with a stable code.
 * Throw an ApiError anywhere in a handler; the app's error handler renders it.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Sent as the Retry-After header (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new ApiError(400, code, message, details);
export const unauthorized = (message = 'Sign in first.') => new ApiError(401, 'unauthorized', message);
export const forbidden = (message = 'Your role does not allow this.') =>
  new ApiError(403, 'forbidden', message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} was not found.`);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
