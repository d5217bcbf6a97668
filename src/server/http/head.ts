import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../../shared/contract/common.js';
import { health, readiness } from '../../shared/contract/service.js';
import { DomainError } from '../errors.js';

/** The API routes that answer HEAD: the checks a load balancer may probe with, which change nothing. */
const ANSWERS_HEAD: ReadonlySet<string> = new Set([health.path, readiness.path]);

/**
 * Fastify answers HEAD on every GET route by running the GET's handler and dropping the body, so a
 * link scanner's HEAD would redeem a console link, start a sign-in or run an export. The API refuses
 * HEAD (`405 method_not_allowed`, `Allow: GET`) before any guard or handler runs, except on its
 * health and readiness checks; the console's files keep HEAD, which changes nothing there. Judged by
 * the matched route's pattern, so no spelling of a path gets past it.
 */
export function refuseHeadOnApi(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'HEAD') return;
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith(`${API_PREFIX}/`) || ANSWERS_HEAD.has(route)) return;
    reply.header('allow', 'GET');
    throw new DomainError('method_not_allowed', `${route} does not answer HEAD; send GET.`);
  });
}
