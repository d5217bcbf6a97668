import {
  type AnswerOf,
  CSRF_HEADER,
  type Endpoint,
  type ErrorBody,
  type InputOf,
  login,
  pathOf,
  REQUEST_ID_HEADER,
} from '../../shared/contract/index';

/**
 * The one way the console talks to the API: same-origin fetch with the session cookie, the
 * csrf header on writes, JSON in and out, and errors mapped to ApiError with the API's stable
 * code (`{"error": {"code", "message"}}`). Operations, their paths and their answers' types
 * come from the contract (src/shared/contract).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The answer's X-Request-Id: the server's log lines for it carry the same. */
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;

/** Set from the login and session answers; sent back in the csrf header on every write. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type Query = Record<string, string | number | undefined | null>;

/** `/path?k=v` without the empty values. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

interface RequestOptions {
  method: Endpoint['method'];
  query?: object;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** What a call of `E` takes: its input (path values, query, body), headers and an abort signal. */
export type CallOptions<E extends Endpoint> = InputOf<E> & {
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

/** Calls operation `e` of the contract; its answer is typed as the contract's schema says. */
export function call<E extends Endpoint>(
  e: E,
  ...[options]: object extends CallOptions<E> ? [CallOptions<E>?] : [CallOptions<E>]
): Promise<AnswerOf<E>> {
  const { params, query, body, headers, signal } = (options ?? {}) as CallOptions<Endpoint> & {
    params?: Record<string, string>;
    query?: object;
    body?: unknown;
  };
  return request<AnswerOf<E>>(pathOf(e, params), { method: e.method, query, body, headers, signal });
}

/** Listeners told when the API answers 401 (the session ended): the app shows the login page. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

async function request<T>(path: string, opts: RequestOptions): Promise<T> {
  const { method } = opts;
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query as Query | undefined), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const error = (data as Partial<ErrorBody> | undefined)?.error;
    const apiError = new ApiError(
      res.status,
      error?.code ?? `http_${res.status}`,
      error?.message ?? `The server answered ${res.status} ${res.statusText}.`,
      res.headers.get(REQUEST_ID_HEADER) ?? undefined,
    );
    if (res.status === 401 && path !== login.path) {
      for (const fn of unauthorizedListeners) fn();
    }
    throw apiError;
  }
  return data as T;
}

/** A fresh key for one purchase attempt: retries of the same attempt reuse it. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
