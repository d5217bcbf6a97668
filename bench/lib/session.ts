import { ADMIN_PASSWORD } from './console-data.js';

/** Signs in through POST /auth/login, as the login page does; returns the session cookie. */
export async function signIn(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`Login of ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('meterline_session='));
  if (!cookie) throw new Error(`Login of ${email} set no session cookie`);
  const { user } = (await res.json()) as { user: { role: string } };
  if (user.role !== 'account_admin') throw new Error(`${email} signed in as ${user.role}`);
  return cookie.split(';')[0] as string;
}
