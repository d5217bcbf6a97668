import { z } from 'zod';
import { endpoint, PUBLIC } from './common.js';
import { EMAIL_PATTERN } from './users.js';

/** Most recipients a tenant may have: a few mailboxes, not a mailing list. */
export const MAX_RECIPIENTS = 20;

const wants = {
  alerts: z.boolean().describe('Credit and budget alerts as they are raised'),
  weeklyDigest: z.boolean().describe("Monday 08:00 (the tenant's time): last week's usage"),
  statements: z.boolean().describe("Each billing period's statement when the period closes"),
};

/** A recipient as stored and answered: its address in lower case, and what it receives. */
export const Recipient = z.object({ email: z.string(), ...wants });
export type Recipient = z.infer<typeof Recipient>;

/** A recipient as sent: any case and surrounding blanks, stored trimmed and in lower case. */
const RecipientInput = z
  .object({
    email: z
      .string()
      .trim()
      .max(320)
      .regex(EMAIL_PATTERN, 'must be an email address')
      .transform((e) => e.toLowerCase()),
    ...wants,
  })
  .strict();

const RecipientsAnswer = z.object({
  recipients: z.array(Recipient),
  emailEnabled: z.boolean().describe('Whether this server has an SMTP server to send through'),
});

const admins = { session: ['account_admin'] } as const;

export const getNotificationRecipients = endpoint({
  method: 'GET',
  path: '/api/v1/notifications/recipients',
  operationId: 'getNotificationRecipients',
  tag: 'notifications',
  summary: 'Who receives alerts, the weekly digest and statements by email',
  access: admins,
  responses: { 200: RecipientsAnswer },
});

export const setNotificationRecipients = endpoint({
  method: 'PUT',
  path: '/api/v1/notifications/recipients',
  operationId: 'setNotificationRecipients',
  tag: 'notifications',
  summary: 'Set the recipients (the whole list; an address need not be a console user)',
  access: admins,
  body: z.object({ recipients: z.array(RecipientInput).max(MAX_RECIPIENTS) }).strict(),
  responses: { 200: RecipientsAnswer },
  errors: ['duplicate_recipient'],
});

export const unsubscribe = endpoint({
  method: 'POST',
  path: '/api/v1/notifications/unsubscribe',
  operationId: 'unsubscribe',
  tag: 'notifications',
  summary: 'Turn off every email of one recipient, by the token of the link in its emails',
  access: PUBLIC,
  body: z.object({ token: z.string().min(1).max(200) }).strict(),
  responses: { 200: z.object({ email: z.string() }) },
  errors: ['unknown_unsubscribe_token'],
});
