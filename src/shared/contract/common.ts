import { z } from 'zod';
import type { ApiKeyScope } from '../api-key-scopes.js';
import type { ErrorCode } from './errors.js';
import type { Role } from './users.js';

/**
 * What every operation of the API is made of. Each area's file declares its operations with
 * `endpoint`; the server registers routes from them (guard, validation, serialisation and the
 * OpenAPI document), the console calls them and infers its types from them.
 *
 * Types: `z.output` of a schema is what the server works with (dates as Date), `z.input` is what
 * travels as JSON (dates as ISO strings): the console reads answers as `Json<…>`.
 */

/** The prefix of every API path. */
export const API_PREFIX = '/api/v1';
/** The header every answer names its request's id in, the id the server's log lines carry. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Credits leave the API as numbers with at most three decimals (stored as integer thousandths). */
export const Credits = z.number().describe('Credits, with at most three decimals');

/** An instant: a Date in the server, an ISO 8601 UTC string (`…Z`) on the wire. */
export const Instant = z.codec(z.iso.datetime(), z.date(), {
  decode: (iso) => new Date(iso),
  encode: (date) => date.toISOString(),
});

/** A local date in the tenant's time zone, `YYYY-MM-DD`. */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .meta({ format: 'date' });

/** A calendar month, `YYYY-MM`. */
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');

/** A whole number read from a query string. */
export const QueryInt = () => z.coerce.number<number>().int();

/** A number read from a query string. */
export const QueryNumber = () => z.coerce.number<number>();

/** `from`/`to` of a range of local dates; checked by the handler, so a bad date has its own code. */
export const RangeQuery = z.object({
  from: z
    .string()
    .optional()
    .describe('First local date (YYYY-MM-DD); with to, else the current billing period'),
  to: z.string().optional().describe('Last local date (YYYY-MM-DD), included'),
});

/** The paging fields of a paginated answer. */
export const Paging = {
  page: z.number(),
  pageSize: z.number(),
  total: z.number().describe('Rows matching, all pages'),
};

/** An answer without a body (204). */
export const NoContent = z.undefined();

/**
 * Who may call an operation: nobody in particular (`{}`), a signed-in user (`session`, with the
 * roles allowed; empty for any role), an API key holding `apiKey` (its scope), or either.
 */
export interface Access {
  readonly session?: readonly Role[];
  readonly apiKey?: ApiKeyScope;
}

export const PUBLIC: Access = {};

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON object schema (params, query and headers are objects of named values). */
type ObjectSchema = z.ZodObject;

/** An answer that is a file rather than JSON: its schema for each media type it may have. */
export interface FileAnswer {
  readonly description: string;
  readonly content: Readonly<Record<string, { readonly schema: z.ZodType }>>;
}

export interface Endpoint {
  readonly method: Method;
  /** The full path, Fastify style: `/api/v1/openings/:openingId/status`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: Tag;
  readonly summary: string;
  readonly description?: string;
  readonly access: Access;
  readonly params?: ObjectSchema;
  readonly query?: ObjectSchema;
  readonly headers?: ObjectSchema;
  readonly body?: z.ZodType;
  /**
   * The body as the document shows it, when the route checks parts of it itself (the events
   * batch: each event on its own, so `body` takes any event and this says what each must be).
   */
  readonly documentedBody?: z.ZodType;
  /** The answers that succeed, by status. */
  readonly responses: Readonly<Record<number, z.ZodType | FileAnswer>>;
  /**
   * The refusals of the operation itself (beyond those of its access, its input's schema, the rate
   * limits and the database), by their stable codes: its documented error answers follow from them.
   */
  readonly errors?: readonly ErrorCode[];
}

/** Declares an operation, keeping its literal types (for the server's and the console's inference). */
export const endpoint = <const E extends Endpoint>(e: E): E => e;

/** The groups of operations in the OpenAPI document, with what each holds. */
export const TAGS = {
  auth: 'Signing in and out, and the session',
  users: "The tenant's console users",
  sso: "The tenant's single sign-on provider",
  'api-keys': "The tenant's API keys",
  events: 'Interview events from the interview engine',
  openings: 'Openings and their status',
  consumption: 'Usage: the summary, by opening, over time, year over year, an opening’s interviews',
  export: 'Usage as a CSV or Excel file',
  forecast: 'The forecast, the runway and the hiring planner',
  credits: 'The balance, the ledger, purchases and reversals',
  alerts: 'Credit alerts and their webhook',
  budgets: 'Budgets: caps of credits on an opening, a department or a recruiter',
  notifications: 'Email: recipients of alerts, the weekly digest and statements',
  audit: 'The audit log: who did what, when',
  service: 'The service itself: liveness, readiness and this document',
} as const;
export type Tag = keyof typeof TAGS;

/** The success answer of an operation as it travels (JSON: dates as ISO strings). */
export type Json<S extends z.ZodType> = z.input<S>;

type SuccessSchema<E extends Endpoint> = E['responses'][keyof E['responses']];

/** What a successful call of `E` answers, as JSON (a file is read otherwise). */
export type AnswerOf<E extends Endpoint> =
  SuccessSchema<E> extends z.ZodType ? Json<SuccessSchema<E>> : never;

/** What a call of `E` sends: its path values, query and body as JSON. */
export type InputOf<E extends Endpoint> = (E['params'] extends z.ZodType
  ? { params: z.input<E['params']> }
  : { params?: undefined }) &
  (E['query'] extends z.ZodType ? { query?: z.input<E['query']> } : { query?: undefined }) &
  (E['body'] extends z.ZodType ? { body: z.input<E['body']> } : { body?: undefined });

/** The path of `e` with its `:name` parts filled in (encoded). */
export function pathOf(e: Pick<Endpoint, 'path'>, params: Record<string, string> = {}): string {
  return e.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${e.path} needs ${name}`);
    return encodeURIComponent(value);
  });
}
