import { z } from 'zod';
import { API_KEY_SCOPE_DESCRIPTIONS, API_KEY_SCOPES, DEFAULT_API_KEY_SCOPES } from '../api-key-scopes.js';
import { endpoint, NoContent } from './common.js';

export { API_KEY_SCOPES, type ApiKeyScope } from '../api-key-scopes.js';

export const ScopeSchema = z
  .enum(API_KEY_SCOPES)
  .describe(API_KEY_SCOPES.map((s) => `${s}: ${API_KEY_SCOPE_DESCRIPTIONS[s]}`).join('; '));

export const ApiKeyListItem = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  scopes: z.array(ScopeSchema).describe('What the key may do'),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable().describe('When the key was last used (kept to the minute)'),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKeyListItem = z.infer<typeof ApiKeyListItem>;

export const CreatedApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ScopeSchema),
  key: z.string().describe('The whole key, shown this once: store it now'),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

const admins = { session: ['account_admin'] } as const;

export const listApiKeys = endpoint({
  method: 'GET',
  path: '/api/v1/api-keys',
  operationId: 'listApiKeys',
  tag: 'api-keys',
  summary: "The tenant's API keys, revoked ones included; never the key itself",
  access: admins,
  responses: { 200: z.object({ apiKeys: z.array(ApiKeyListItem) }) },
});

export const createApiKey = endpoint({
  method: 'POST',
  path: '/api/v1/api-keys',
  operationId: 'createApiKey',
  tag: 'api-keys',
  summary: 'Create an API key; the key is in this answer and never again',
  access: admins,
  body: z.object({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .array(ScopeSchema)
      .min(1)
      .max(API_KEY_SCOPES.length)
      .optional()
      .describe(`What the key may do; default ${DEFAULT_API_KEY_SCOPES.join(', ')} (the interview engine's)`),
  }),
  responses: { 201: z.object({ apiKey: CreatedApiKey }) },
  errors: ['invalid_name', 'invalid_scope'],
});

export const revokeApiKey = endpoint({
  method: 'DELETE',
  path: '/api/v1/api-keys/:keyId',
  operationId: 'revokeApiKey',
  tag: 'api-keys',
  summary: 'Revoke an API key at once',
  access: admins,
  params: z.object({ keyId: z.uuid() }),
  responses: { 204: NoContent },
  errors: ['not_found'],
});
