import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorKind } from '../../shared/contract/errors.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { DomainError } from '../errors.js';

/** Seconds a client is asked to wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The HTTP status of each kind of refusal: the one place the API's errors meet HTTP. */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  headers_too_large: 431,
  timed_out: 408,
  throttled: 429,
  unavailable: 503,
  internal: 500,
};

/**
 * Every failure becomes the API's one error shape `{"error": {"code", "message"}}` with a stable
 * code: DomainErrors with the status of their kind, schema failures as 400 invalid_request, a
 * database that cannot serve now as 503 database_unavailable with Retry-After, Fastify's own
 * refusals of a request (a body too large, not JSON, of an unsupported type) with their status,
 * and anything else as a logged 500.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof DomainError) {
      const { details, retryAfterSeconds } = err.options;
      if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
      return reply.status(STATUS_OF_KIND[err.kind]).send({
        error: { code: err.code, message: err.message, ...(details ? { details } : {}) },
      });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }));
      const where = err.validationContext ?? 'request';
      return reply.status(STATUS_OF_KIND.invalid).send({
        error: {
          code: 'invalid_request',
          message: `Invalid ${where}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
          details: issues,
        },
      });
    }
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err }, 'database unavailable');
      return reply
        .status(STATUS_OF_KIND.unavailable)
        .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
        .send({
          error: {
            code: 'database_unavailable',
            message: 'The database is unavailable for a moment; nothing was changed. Retry shortly.',
          },
        });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      const code = (err as { code?: string }).code;
      return reply.status(status).send({
        error: {
          code: code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'payload_too_large' : 'bad_request',
          message: err instanceof Error ? err.message : 'Bad request',
        },
      });
    }
    request.log.error({ err }, 'unhandled error');
    return reply
      .status(STATUS_OF_KIND.internal)
      .send({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    }),
  );
}

/**
 * The router's own refusals, which come before any route or error handler: a path that is not
 * valid percent-encoded UTF-8 (`%ED%A0%80`, `%FF`, `%ZZ`) and a path parameter longer than the
 * router takes (longer than any the API accepts: see MAX_PARAM_LENGTH). Fastify would answer them
 * in a shape of its own; they get the API's, as 400s.
 */
export function frameworkErrors(err: FastifyError, _request: unknown, reply: FastifyReply): void {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  reply.status(400).send({
    error: tooLong
      ? { code: 'invalid_request', message: 'A path parameter is longer than any this API takes.' }
      : { code: 'invalid_url', message: 'The path is not valid percent-encoded UTF-8.' },
  });
}
