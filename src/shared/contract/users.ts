import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../accounts.js';
import { SIGN_IN_METHODS } from '../sign-in.js';
import { endpoint } from './common.js';

/** What a console user may do: account admins everything, recruiters and viewers read. */
export const ROLES = ['account_admin', 'recruiter', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

export const User = z.object({ id: z.string(), email: z.string(), name: z.string(), role: RoleSchema });
export type User = z.infer<typeof User>;

export const UserListItem = User.extend({
  active: z.boolean(),
  createdAt: z.iso.datetime().describe('When the user was added'),
  signInMethods: z
    .array(z.enum(SIGN_IN_METHODS))
    .describe('How the user can sign in: a password they have, the provider or console links that made them'),
  lastSignInAt: z.iso.datetime().nullable().describe('When the user last signed in; null if never'),
  lastSignInMethod: z.enum(SIGN_IN_METHODS).nullable(),
});
export type UserListItem = z.infer<typeof UserListItem>;

/** What an email address looks like, as the API checks it (the console checks it before sending). */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const Email = z.string().trim().max(320).regex(EMAIL_PATTERN, 'must be an email address');

const admins = { session: ['account_admin'] } as const;

export const listUsers = endpoint({
  method: 'GET',
  path: '/api/v1/users',
  operationId: 'listUsers',
  tag: 'users',
  summary: "The tenant's users",
  access: admins,
  responses: { 200: z.object({ users: z.array(UserListItem) }) },
});

export const addUser = endpoint({
  method: 'POST',
  path: '/api/v1/users',
  operationId: 'addUser',
  tag: 'users',
  summary: 'Add a user to the tenant; emails are unique platform-wide',
  access: admins,
  body: z.object({
    email: Email,
    name: z.string().trim().min(1).max(200),
    role: RoleSchema,
    password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
  }),
  responses: { 201: z.object({ user: User }) },
  errors: ['invalid_email', 'invalid_name', 'invalid_role', 'weak_password', 'email_taken'],
});

export const updateUser = endpoint({
  method: 'PATCH',
  path: '/api/v1/users/:userId',
  operationId: 'updateUser',
  tag: 'users',
  summary: "Change a user's role or deactivate them; deactivation signs them out",
  description: 'A tenant keeps at least one active account admin (else 409 last_admin).',
  access: admins,
  params: z.object({ userId: z.uuid() }),
  body: z.object({
    role: RoleSchema.optional(),
    active: z.literal(false).optional().describe('false deactivates the user'),
  }),
  responses: { 200: z.object({ user: UserListItem }) },
  errors: ['nothing_to_change', 'invalid_role', 'not_found', 'last_admin'],
});
