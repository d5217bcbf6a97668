import type { ErrorCode } from './contract/errors.js';

/** How a user signed in: their password, their organisation's provider, or a host's console link. */
export const SIGN_IN_METHODS = ['password', 'sso', 'console_link'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

export const SIGN_IN_METHOD_LABELS: Record<SignInMethod, string> = {
  password: 'Password',
  sso: 'Single sign-on',
  console_link: 'Console link',
};

/** The longest a console link lives, and how long one lives when the host does not say. */
export const CONSOLE_LINK_MAX_SECONDS = 300;
export const CONSOLE_LINK_DEFAULT_SECONDS = 60;

/** Where a console link lands when the host names no path: the Consumption page. */
export const CONSOLE_LINK_DEFAULT_PATH = '/consumption';

/**
 * Whether `path` is a path of the console itself: it starts with one slash, not two nor a
 * backslash (`//host` and `/\host` are other sites to a browser), and holds no control characters.
 * Links and sign-ins only ever land on such a path, so none can send a browser elsewhere.
 */
export function isConsolePath(path: string): boolean {
  return (
    path.startsWith('/') &&
    !path.startsWith('//') &&
    !path.startsWith('/\\') &&
    !path.startsWith('/api/') &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    !/[\u0000-\u001f\u007f\\]/.test(path) &&
    path.length <= 500
  );
}

/**
 * The refusals a browser is sent back to the sign-in page with (`/login?error=<code>`), when single
 * sign-on or a console link does not sign it in, with what the page tells the person.
 */
export const SIGN_IN_REFUSALS = {
  sso_not_configured:
    'Your organisation does not sign in to Meterline with single sign-on. Use your password.',
  sso_failed:
    'Your identity provider’s answer could not be checked, or the sign-in took too long. Try again; if it keeps failing, ask your administrator.',
  sso_role_unmapped:
    'Your identity provider gives you no Meterline role. Ask your administrator to give you access.',
  sso_email_not_allowed:
    'Your identity provider signed you in with an address this organisation does not sign in with.',
  user_inactive: 'Your Meterline account is deactivated. Ask an account admin of your organisation.',
  email_taken: 'Your email address belongs to a user of another organisation in Meterline.',
  console_link_invalid: 'This sign-in link is not valid. Open the console again from the platform.',
  console_link_used:
    'This sign-in link has already been used; each link signs in once. Open the console again from the platform.',
  console_link_expired:
    'This sign-in link has expired; links last a few minutes. Open the console again from the platform.',
  too_many_attempts: 'Too many sign-in attempts. Try again in a few minutes.',
} as const satisfies Partial<Record<ErrorCode, string>>;
export type SignInRefusal = keyof typeof SIGN_IN_REFUSALS;

export const isSignInRefusal = (code: string | null): code is SignInRefusal =>
  code !== null && Object.hasOwn(SIGN_IN_REFUSALS, code);
