import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { alertRoutes } from './alerts/routes.js';
import { auditRoutes } from './auth/audit-routes.js';
import { SAFE_METHODS } from './auth/guard.js';
import { authRoutes } from './auth/routes.js';
import { ssoRoutes } from './auth/sso-routes.js';
import { budgetRoutes } from './budgets/routes.js';
import type { Config } from './config.js';
import { consumptionRoutes } from './consumption/routes.js';
import type { Database } from './db/database.js';
import { primaryOnly, type ReadRouting } from './db/replica.js';
import { exportRoutes } from './export/routes.js';
import { forecastRoutes } from './forecast/routes.js';
import { clientErrorHandler, nodeServerOptions, refuseWithoutHost } from './http/client-errors.js';
import { registerJsonBody } from './http/encoding.js';
import { frameworkErrors, installErrorHandling } from './http/error-handler.js';
import { registerHardening } from './http/hardening.js';
import { refuseHeadOnApi } from './http/head.js';
import { registerOpenApi } from './http/openapi.js';
import { type RateLimitConfig, registerRateLimit } from './http/rate-limit.js';
import { callerOf } from './http/reads.js';
import { echoRequestId, requestIdOf } from './http/request-id.js';
import { serviceRoutes } from './http/service-routes.js';
import { registerWebApp } from './http/static.js';
import { refuseWhileStopping, stoppingOptions } from './http/stopping.js';
import { autoTopUpRoutes } from './ledger/auto-top-up-routes.js';
import { creditRoutes } from './ledger/routes.js';
import { eventRoutes } from './metering/routes.js';
import type { Metrics } from './metrics/metrics.js';
import { notificationRoutes } from './notifications/routes.js';
import { openingRoutes } from './openings/routes.js';
import { statementRoutes } from './statements/routes.js';

export interface AppDeps {
  db: Database;
  config: Pick<Config, 'LOG_LEVEL' | 'METERLINE_SESSION_HOURS'> &
    Partial<
      Pick<
        Config,
        | 'METERLINE_WEBHOOK_ALLOW_PRIVATE'
        | 'METERLINE_TRUST_PROXY'
        | 'METERLINE_SMTP_URL'
        | 'METERLINE_PUBLIC_URL'
        | 'METERLINE_SSO_ALLOW_PRIVATE'
        | 'METERLINE_MAX_CONCURRENT_EXPORTS'
        | 'METERLINE_EXPORT_STALL_SECONDS'
        | 'METERLINE_REQUEST_TIMEOUT_SECONDS'
      >
    > &
    RateLimitConfig;
  /** The clock, injectable so tests can move time. */
  now?: () => Date;
  /** Where the console's usage figures, the export and the forecast read (connect.ts openReads); the primary by default. */
  reads?: ReadRouting;
  /** What is counted for Prometheus, when metrics are served (METERLINE_METRICS_PORT); else nothing is. */
  metrics?: Metrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: Required<Omit<AppDeps, 'metrics'>> & Pick<AppDeps, 'metrics'>;
  }
}

/** Builds the whole HTTP app; tests call it and use `inject`, main.ts calls it and listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.config.LOG_LEVEL === 'silent' ? false : { level: deps.config.LOG_LEVEL },
    bodyLimit: 2 * 1024 * 1024,
    // Behind a TLS-terminating proxy, X-Forwarded-Proto/-For give the request's protocol (so the
    // session cookie is Secure and HSTS is sent) and the client's address (login throttling).
    trustProxy: deps.config.METERLINE_TRUST_PROXY ?? false,
    // Ids in paths are up to 200 characters, each up to 12 once percent-encoded (4 UTF-8 bytes).
    routerOptions: { maxParamLength: 200 * 12 },
    frameworkErrors,
    ...nodeServerOptions(deps.config.METERLINE_REQUEST_TIMEOUT_SECONDS),
    clientErrorHandler,
    genReqId: requestIdOf,
    ...stoppingOptions,
  });
  app.decorate('deps', { now: () => new Date(), ...deps, reads: deps.reads ?? primaryOnly(deps.db) });
  // Read-your-writes: a caller that changed something reads from the primary until the replica has
  // it. Noted before the answer goes out, so no later request of the caller can miss it.
  app.addHook('onSend', async (request) => {
    const caller = callerOf(request);
    if (caller && !SAFE_METHODS.has(request.method)) app.deps.reads.noteWrite(caller);
  });
  app.addHook('onResponse', async (request, reply) => {
    app.deps.metrics?.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  echoRequestId(app);
  refuseWithoutHost(app);
  refuseWhileStopping(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  registerJsonBody(app);
  await registerHardening(app);
  await app.register(cookie);
  await registerRateLimit(app, deps.config);
  refuseHeadOnApi(app);
  await registerOpenApi(app);

  await app.register(serviceRoutes);
  await app.register(authRoutes);
  await app.register(ssoRoutes);
  await app.register(eventRoutes);
  await app.register(alertRoutes);
  await app.register(budgetRoutes);
  await app.register(notificationRoutes);
  await app.register(openingRoutes);
  await app.register(creditRoutes);
  await app.register(autoTopUpRoutes);
  await app.register(statementRoutes);
  await app.register(consumptionRoutes);
  await app.register(exportRoutes);
  await app.register(forecastRoutes);
  await app.register(auditRoutes);
  await registerWebApp(app);
  return app;
}
