/**
 * What an API key may do. A key holds one or more scopes and every route a key can call names the
 * one it needs; this list is the only place they are defined (server, CLI and console read it).
 */
export const API_KEY_SCOPES = [
  'events:write',
  'usage:read',
  'credits:purchase',
  'openings:write',
  'console:link',
] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A key made without naming scopes is the interview engine's: it sends events and nothing more. */
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = ['events:write'];

export const API_KEY_SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  'events:write': 'Send interview events (the interview engine)',
  'usage:read': 'Read the balance, the ledger and consumption',
  'credits:purchase': 'Buy credits',
  'openings:write': 'Open and close openings',
  'console:link': "Mint one-time links that sign the host's users into the console",
};

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** The scopes in the list's order, each once. */
export function normalizeScopes(scopes: readonly ApiKeyScope[]): ApiKeyScope[] {
  return API_KEY_SCOPES.filter((s) => scopes.includes(s));
}
