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

export const openApiDocument = endpoint({
  method: 'GET',
  path: '/api/docs/json',
  operationId: 'getOpenApiDocument',
  tag: 'service',
  summary: 'This document (OpenAPI 3); /api/docs shows it as a page',
  access: PUBLIC,
  responses: { 200: z.record(z.string(), z.unknown()).describe('The OpenAPI document') },
});
