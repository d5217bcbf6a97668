import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';

/**
 * What a receiver does: verifies a delivery with the `standardwebhooks` library, as of `at` (the
 * library refuses a timestamp more than five minutes from its clock, so a test on a fixed clock
 * lends it that clock for the call). True when the headers sign this body with this secret.
 */
export function verifyWebhook(secret: string, headers: IncomingHttpHeaders, body: string, at = new Date()) {
  const three = {
    'webhook-id': String(headers['webhook-id']),
    'webhook-timestamp': String(headers['webhook-timestamp']),
    'webhook-signature': String(headers['webhook-signature']),
  };
  vi.useFakeTimers({ toFake: ['Date'], now: at });
  try {
    new Webhook(secret).verify(body, three);
    return true;
  } catch {
    return false;
  } finally {
    vi.useRealTimers();
  }
}
