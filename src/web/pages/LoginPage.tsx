import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLogin } from '../api/auth';
import { ApiError } from '../api/client';
import { ChartIcon } from '../components/icons';
import { errorMessage } from '../components/States';

export function LoginPage() {
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password });
  };

  const error = login.error;
  const message =
    error instanceof ApiError && error.status === 429
      ? 'Too many attempts. Wait a minute, then try again.'
      : error
        ? errorMessage(error)
        : undefined;

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Paper component="main" withBorder shadow="sm" p="xl" w="100%" maw={400}>
        <form onSubmit={submit} aria-labelledby="login-title" noValidate>
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
              label="Email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={login.isPending} disabled={!email || !password} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
