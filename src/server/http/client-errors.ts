import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../shared/contract/errors.js';
import { REQUEST_TIMEOUT_SECONDS_DEFAULT } from '../config.js';
import { DomainError } from '../errors.js';
import { STATUS_OF_KIND } from './error-handler.js';

/**
 * Node's server options for what it refuses itself. It answers a request without a Host header
 * 400 with an empty body; `refuseWithoutHost` answers it in the API's shape instead.
 * They also bound how long a client may take to send its request. Fastify leaves
 * `requestTimeout` off, so a client could trickle a 2 MiB body for hours, holding its socket and
 * buffer. Node reads the timeout only as the server is made (Fastify's own option sets it after),
 * so it goes in the server's options as well, and it checks every `connectionsCheckingInterval`
 * (30 s by default), so a shorter timeout checks more often. The answer, an export's download
 * included, is not timed.
 */
export function nodeServerOptions(seconds = REQUEST_TIMEOUT_SECONDS_DEFAULT) {
  const ms = seconds * 1000;
  return {
    requestTimeout: ms,
    http: {
      requestTimeout: ms,
      connectionsCheckingInterval: Math.min(30_000, ms / 4),
      requireHostHeader: false,
    },
  };
}

/** An HTTP/1.1 request must name its host (RFC 9112, 3.2): refused 400 bad_request, first of all. */
export function refuseWithoutHost(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.raw.httpVersion !== '1.1' || request.headers.host !== undefined) return;
    reply.header('connection', 'close');
    throw new DomainError('bad_request', 'An HTTP/1.1 request must carry a Host header.');
  });
}

const REFUSALS = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'request_timeout',
    message: 'The request was not received whole in time; send it again.',
  },
  HPE_HEADER_OVERFLOW: { code: 'headers_too_large', message: 'The request headers are too large.' },
} as const;

/**
 * What a connection is told when Node refuses its request before Fastify sees it (too slow,
 * headers too large, not HTTP): the API's error shape, written to the socket (there is no reply
 * yet), then the connection is closed. Fastify's own answer has a shape of its own.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal = REFUSALS[err.code as keyof typeof REFUSALS] ?? {
    code: 'bad_request',
    message: 'The request is not valid HTTP.',
  };
  const status = STATUS_OF_KIND[ERROR_CODES[refusal.code]];
  const body = JSON.stringify({ error: refusal });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
