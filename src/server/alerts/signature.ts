import { createHmac, randomBytes } from 'node:crypto';

/**
 * Webhook signatures per the Standard Webhooks specification (docs/product.md, Webhooks), so a
 * receiver verifies with an off-the-shelf library (`standardwebhooks`) instead of hand-written
 * code. A secret is `whsec_` and the base64 of its key's bytes.
 */
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** Secrets made before Standard Webhooks were base64url; Node's base64 decoder reads both alphabets. */
const keyOf = (secret: string) => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

const signature = (secret: string, signed: string) =>
  `v1,${createHmac('sha256', keyOf(secret)).update(signed).digest('base64')}`;

/**
 * The headers of one attempt: `webhook-id` (the delivery's id, the same on every retry, which
 * receivers deduplicate by), `webhook-timestamp` (this attempt's, in seconds) and
 * `webhook-signature`, one `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` per secret given,
 * space-separated: the current one, and the one it replaced while that is still honoured.
 */
export function signedHeaders(
  secrets: string[],
  id: string,
  body: string,
  at: Date,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signed = `${id}.${timestamp}.${body}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': secrets.map((s) => signature(s, signed)).join(' '),
  };
}
