import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { unsafeTextMessage, unsafeTextPath } from '../../shared/text.js';
import { DomainError } from '../errors.js';
import { misencodedQueryParameter } from './encoding.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route checks the text of its body item by item and answers for each (the events batch:
     * one bad event must not refuse the others), so the app-wide check leaves its body alone.
     */
    checksBodyTextPerItem?: boolean;
  }
}

/** A year, as HSTS asks browsers to remember that the console is HTTPS only. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * What every answer carries and every request is checked for, whatever the route:
 * - a strict Content-Security-Policy: the console serves its own scripts and none inline (Mantine
 *   sets style attributes, hence the one inline allowance, for styles);
 * - HSTS only on requests that arrived over HTTPS (directly, or through a trusted proxy), since a
 *   plain-HTTP development server must stay reachable;
 * - `Cache-Control: no-store` on API answers, which carry balances, personal data and CSRF tokens;
 * - 400 invalid_url for a query parameter that is not valid percent-encoded UTF-8 (the router
 *   refuses such a path alike), and 400 invalid_text for a character no text may hold anywhere in
 *   the query, path or JSON body (src/shared/text.ts).
 */
export async function registerHardening(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  app.addHook('preValidation', async (request) => {
    const misencoded = misencodedQueryParameter(request.url);
    if (misencoded !== undefined) {
      throw new DomainError(
        'invalid_url',
        `The query parameter ${misencoded} is not valid percent-encoded UTF-8.`,
      );
    }
    const where =
      unsafeTextPath(request.params, 'path') ??
      unsafeTextPath(request.query, 'query') ??
      (request.routeOptions.config.checksBodyTextPerItem ? undefined : unsafeTextPath(request.body, 'body'));
    if (where !== undefined) {
      throw new DomainError('invalid_text', unsafeTextMessage(where));
    }
  });
}
