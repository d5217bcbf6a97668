import { z } from 'zod';
import { endpoint, PUBLIC } from './common.js';

export const health = endpoint({
  method: 'GET',
  path: '/api/v1/health',
  operationId: 'getHealth',
  tag: 'service',
  summary: 'Whether the server is up (it does not ask the database)',
  access: PUBLIC,
  responses: { 200: z.object({ ok: z.literal(true) }) },
});

/** Where the console's reads go (docs/product.md, Read replica). */
export const REPLICA_STATES = ['none', 'unknown', 'in_use', 'down', 'lagging', 'not_a_replica'] as const;

export const readiness = endpoint({
  method: 'GET',
  path: '/api/v1/ready',
  operationId: 'getReadiness',
  tag: 'service',
  summary: "Whether the server can serve now: its database answers (a load balancer's readiness check)",
  description:
    'Asks the database for one row; 503 database_unavailable with Retry-After when it does not answer ' +
    'within 2 seconds. `replica` says where the console reads: `none` (no replica ' +
    'configured), `in_use`, or `down`, `lagging`, `not_a_replica`, `unknown` (reads go to the ' +
    'primary, and the server still serves).',
  access: PUBLIC,
  responses: {
    200: z.object({
      ready: z.literal(true),
      database: z.enum(['pglite', 'postgres']),
      replica: z.enum(REPLICA_STATES),
      replicaLagSeconds: z.number().nullable(),
    }),
  },
  errors: ['database_unavailable'],
});

export const openApiDocument = endpoint({
  method: 'GET',
  path: '/api/docs/json',
  operationId: 'getOpenApiDocument',
  tag: 'service',
  summary: 'This document (OpenAPI 3); /api/docs shows it as a page',
  access: PUBLIC,
  responses: { 200: z.record(z.string(), z.unknown()).describe('The OpenAPI document') },
});
