import {
  Alert,
  Button,
  Center,
  Divider,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { EMAIL_PATTERN } from '../../shared/contract/users';
import { isSignInRefusal, SIGN_IN_REFUSALS } from '../../shared/sign-in';
import { useDiscoverSignIn, useLogin } from '../api/auth';
import { ApiError } from '../api/client';
import { ChartIcon } from '../components/icons';
import { errorMessage } from '../components/States';

/** Why single sign-on or a console link sent the browser back here (`/login?error=<code>`). */
function refusalOfUrl(): string | undefined {
  const code = new URLSearchParams(window.location.search).get('error');
  return isSignInRefusal(code) ? SIGN_IN_REFUSALS[code] : undefined;
}

/**
 * The sign-in page. The work email comes first: an address of a domain whose organisation signs
 * in with its own provider (single sign-on) is sent there; any other signs in with its password.
 */
export function LoginPage() {
  const login = useLogin();
  const discover = useDiscoverSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [noPassword, setNoPassword] = useState(false);
  const [redirecting, setRedirecting] = useState(false);
  const [refusal] = useState(refusalOfUrl);

  const typed = email.trim();
  const sso = discover.data?.email === typed.toLowerCase() ? discover.data.sso : undefined;

  const goToProvider = (url: string) => {
    setRedirecting(true);
    window.location.assign(url);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNoPassword(false);
    // Unanswered (the network), the address signs in with its password as before.
    const found =
      discover.data?.email === typed.toLowerCase()
        ? discover.data
        : await discover.mutateAsync(typed).catch(() => undefined);
    if (found?.sso && (!found.sso.passwordLogin || !password)) return goToProvider(found.sso.url);
    if (!password) return setNoPassword(true);
    login.mutate({ email, password });
  };

  const error = login.error;
  const message =
    error instanceof ApiError && error.status === 429
      ? 'Too many attempts. Wait a minute, then try again.'
      : error
        ? errorMessage(error)
        : noPassword
          ? 'Enter your password.'
          : refusal;

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Paper component="main" withBorder shadow="sm" p="xl" w="100%" maw={400}>
        <form onSubmit={(e) => void submit(e)} aria-labelledby="login-title" noValidate>
          <Stack>
            <Stack gap={4} align="center">
              <ChartIcon size={32} color="var(--mantine-color-indigo-6)" />
              <Title order={1} size="h2" id="login-title">
                Sign in to Meterline
              </Title>
              <Text c="dimmed" size="sm" ta="center">
                Interview usage and credits for your organisation
              </Text>
            </Stack>
            {message && (
              <Alert color="red" variant="light" role="alert">
                {message}
              </Alert>
            )}
            <TextInput
              label="Work email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              onBlur={() => {
                if (EMAIL_PATTERN.test(typed) && discover.data?.email !== typed.toLowerCase())
                  discover.mutate(typed);
              }}
            />
            {sso && (
              <>
                <Text size="sm">Your organisation signs in to Meterline with single sign-on.</Text>
                <Button type="button" fullWidth loading={redirecting} onClick={() => goToProvider(sso.url)}>
                  Continue with single sign-on
                </Button>
                {sso.passwordLogin && <Divider label="or with your password" />}
              </>
            )}
            {(!sso || sso.passwordLogin) && (
              <>
                <PasswordInput
                  label="Password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                />
                <Button
                  type="submit"
                  variant={sso ? 'default' : 'filled'}
                  loading={login.isPending || (discover.isPending && !sso) || (redirecting && !sso)}
                  disabled={!typed}
                  fullWidth
                >
                  Sign in
                </Button>
              </>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
