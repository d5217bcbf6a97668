import { z } from 'zod';

/** Schemas shared by several routes' OpenAPI documents. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Credits leave the API as numbers with at most three decimals (stored as integer milli). */
export const Credits = z.number().describe('Credits, with at most three decimals');

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
} as const;
