import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { CSRF_HEADER } from '../../shared/contract/auth.js';
import { TAGS } from '../../shared/contract/common.js';
import { openApiDocument } from '../../shared/contract/service.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { routeOf } from './route.js';

/** Where the API's documentation page is; its document is at `${DOCS_PREFIX}/json`. */
const DOCS_PREFIX = '/api/docs';

/**
 * The OpenAPI document, made from the routes' contract schemas (src/shared/contract), and the page
 * that shows it. Register before the routes: the document lists the routes registered after it.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  // The document's own route is registered by @fastify/swagger-ui (hidden); it is documented from
  // the contract like any other operation.
  const documentSchema = routeOf(openApiDocument).schema;
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Meterline API',
        version: '1.0.0',
        description:
          'Interview metering, the credit ledger and the Consumption console. HEAD is answered on ' +
          'the health and readiness checks only; elsewhere it is refused 405 method_not_allowed.',
      },
      servers: [{ url: '/', description: 'The server that serves this document' }],
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'The console session, set by POST /api/v1/auth/login',
          },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: CSRF_HEADER,
            description:
              "The session's csrf token (in the login and /me answers), on every write of a session",
          },
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API key (`Authorization: Bearer <key>`); each operation names the scope it needs',
          },
        },
      },
    },
    transform: (document) => {
      const given = document.url === openApiDocument.path ? documentSchema : document.schema;
      if (!given) return jsonSchemaTransform(document);
      const { documentedBody, ...schema } = given as typeof given & { documentedBody?: unknown };
      return jsonSchemaTransform({
        ...document,
        schema: documentedBody ? { ...schema, body: documentedBody } : schema,
      });
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
}
