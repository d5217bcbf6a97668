/**
 * Whether a failure means the database cannot serve now (restarting, failing over, ending this
 * connection) rather than anything about the request: such a request is answered 503 with
 * Retry-After, and nothing of it was committed (its transaction died with the connection).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLSTATE class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect
    // now), 53300 (too many connections); and the socket's own errors.
    if (code.startsWith('08') || UNAVAILABLE_CODES.has(code)) return true;
  }
  return UNAVAILABLE_MESSAGES.some((m) => err.message.startsWith(m));
}

const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The pg driver's own words for a connection that broke or could not be made (they carry no code). */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error',
  'timeout exceeded when trying to connect',
];
