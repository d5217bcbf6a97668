import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { alertRoutes } from './alerts/routes.js';
import { auditRoutes } from './auth/audit-routes.js';
import { authRoutes } from './auth/routes.js';
import type { Config } from './config.js';
import { consumptionRoutes } from './consumption/routes.js';
import type { Database } from './db/database.js';
import { exportRoutes } from './export/routes.js';
import { forecastRoutes } from './forecast/routes.js';
import { ApiError } from './http/errors.js';
import { registerWebApp } from './http/static.js';
import { creditRoutes } from './ledger/routes.js';
import { eventRoutes } from './metering/routes.js';
import { openingRoutes } from './openings/routes.js';

export interface AppDeps {
  db: Database;
  config: Pick<Config, 'LOG_LEVEL' | 'METERLINE_SESSION_HOURS'> &
    Partial<Pick<Config, 'METERLINE_WEBHOOK_ALLOW_PRIVATE'>>;
  /** The clock, injectable so tests can move time. */
  now?: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: Required<AppDeps>;
  }
}

/** Builds the whole HTTP app; tests call it and use `inject`, main.ts calls it and listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.config.LOG_LEVEL === 'silent' ? false : { level: deps.config.LOG_LEVEL },
    bodyLimit: 2 * 1024 * 1024,
  });
  app.decorate('deps', { now: () => new Date(), ...deps });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof ApiError) {
      return reply.status(err.statusCode).send({
        error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }));
      const where = err.validationContext ?? 'request';
      return reply.status(400).send({
        error: {
          code: 'invalid_request',
          message: `Invalid ${where}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
          details: issues,
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
      .status(500)
      .send({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    }),
  );

  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Meterline API',
        version: '1.0.0',
        description: 'Interview metering, the credit ledger and the Consumption console.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'meterline_session' },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.get('/api/v1/health', { schema: { hide: true } }, async () => ({ ok: true }));
  await app.register(authRoutes, { prefix: '/api/v1' });
  await app.register(eventRoutes, { prefix: '/api/v1' });
  await app.register(alertRoutes, { prefix: '/api/v1' });
  await app.register(openingRoutes, { prefix: '/api/v1' });
  await app.register(creditRoutes, { prefix: '/api/v1' });
  await app.register(consumptionRoutes, { prefix: '/api/v1' });
  await app.register(exportRoutes, { prefix: '/api/v1' });
  await app.register(forecastRoutes, { prefix: '/api/v1' });
  await app.register(auditRoutes, { prefix: '/api/v1' });
  await registerWebApp(app);
  return app;
}
