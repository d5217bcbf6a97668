import { z } from 'zod';
import type { ApiKeyScope } from '../../shared/api-key-scopes.js';

/** Schemas shared by several routes' OpenAPI documents. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Credits leave the API as numbers with at most three decimals (stored as integer milli). */
export const Credits = z.number().describe('Credits, with at most three decimals');

/** The error answers a route can give: 429 from the rate limits, 503 while the database is unavailable. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  429: ErrorBody.describe('Too many requests (rate_limited, too_many_attempts); see Retry-After'),
  503: ErrorBody.describe('The database is unavailable for a moment (database_unavailable); see Retry-After'),
} as const;

/**
 * The OpenAPI `security` and `description` of a route an API key may call (guarded by
 * requireApiKey or requireUserOrApiKey): the key's scope goes in the description, since OpenAPI
 * 3.0 lists scopes for OAuth schemes alone.
 */
export function keyAccess(
  scope: ApiKeyScope,
  opts: { session: boolean; description?: string },
): { security: Record<string, string[]>[]; description: string } {
  const note = `An API key needs the scope \`${scope}\` (else 403 insufficient_scope).`;
  return {
    security: opts.session ? [{ session: [] }, { apiKey: [] }] : [{ apiKey: [] }],
    description: opts.description ? `${opts.description} ${note}` : note,
  };
}
