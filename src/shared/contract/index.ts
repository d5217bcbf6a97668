/**
 * The API's contract: every operation with its request and answer schemas, and the enums they
 * use. The server's routes, the OpenAPI document and the console's types all come from here.
 */
import * as alerts from './alerts.js';
import * as apiKeys from './api-keys.js';
import * as audit from './audit.js';
import * as auth from './auth.js';
import * as autoTopUp from './auto-top-up.js';
import * as budgets from './budgets.js';
import type { Endpoint } from './common.js';
import * as consumption from './consumption.js';
import * as credits from './credits.js';
import * as events from './events.js';
import * as exportArea from './export.js';
import * as forecast from './forecast.js';
import * as notifications from './notifications.js';
import * as openings from './openings.js';
import * as service from './service.js';
import * as sso from './sso.js';
import * as statements from './statements.js';
import * as users from './users.js';

export * from './alerts.js';
export * from './api-keys.js';
export * from './audit.js';
export * from './auth.js';
export * from './auto-top-up.js';
export * from './budgets.js';
export * from './common.js';
export * from './consumption.js';
export * from './credits.js';
export * from './errors.js';
export * from './events.js';
export * from './export.js';
export * from './forecast.js';
export * from './notifications.js';
export * from './openings.js';
export * from './service.js';
export * from './sso.js';
export * from './statements.js';
export * from './users.js';

const isEndpoint = (v: unknown): v is Endpoint =>
  typeof v === 'object' && v !== null && 'operationId' in v && 'method' in v && 'path' in v;

/** Every operation of the API. */
export const ENDPOINTS: readonly Endpoint[] = [
  service,
  auth,
  sso,
  users,
  apiKeys,
  events,
  openings,
  consumption,
  exportArea,
  forecast,
  credits,
  autoTopUp,
  statements,
  alerts,
  budgets,
  notifications,
  audit,
].flatMap((area) => Object.values(area).filter(isEndpoint));
