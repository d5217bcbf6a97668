import {
  Alert,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { ROLES, type Role, startSso } from '../../shared/contract/index';
import { isSignInRefusal, SIGN_IN_REFUSALS } from '../../shared/sign-in';
import { type SsoView, useDeleteSsoSettings, useSaveSsoSettings, useSsoSettings } from '../api/sso';
import { errorMessage, QueryStates } from '../components/States';
import { formatDateTime, formatRole } from '../lib/format';

interface Form {
  issuer: string;
  clientId: string;
  clientSecret: string;
  roleClaim: string;
  values: Record<Role, string[]>;
  emailDomains: string[];
  passwordLogin: boolean;
}

const emptyValues = (): Record<Role, string[]> => ({ account_admin: [], recruiter: [], viewer: [] });

function formOf(sso: SsoView['sso']): Form {
  const values = emptyValues();
  for (const m of sso?.roleMapping ?? []) values[m.role].push(m.value);
  return {
    issuer: sso?.issuer ?? '',
    clientId: sso?.clientId ?? '',
    clientSecret: '',
    roleClaim: sso?.roleClaim ?? 'groups',
    values,
    emailDomains: sso?.emailDomains ?? [],
    passwordLogin: sso?.passwordLogin ?? true,
  };
}

/** What the test sign-in came back with (`/settings?ssoTest=…`), shown once. */
function testResultOfUrl() {
  const q = new URLSearchParams(window.location.search);
  const outcome = q.get('ssoTest');
  if (outcome === 'passed') {
    const role = q.get('role');
    return {
      ok: true,
      text: `The provider signed in ${q.get('email') ?? 'someone'}, who would be ${
        role && (ROLES as readonly string[]).includes(role) ? formatRole(role as Role) : 'refused'
      }. Nobody was signed in to Meterline.`,
    };
  }
  if (outcome === 'failed') {
    const code = q.get('error');
    return { ok: false, text: isSignInRefusal(code) ? SIGN_IN_REFUSALS[code] : `The test failed (${code}).` };
  }
  return undefined;
}

/** Settings → Sign-in: the tenant's OpenID Connect provider, its role mapping, and passwords on or off. */
function SignInCard({ view }: { view: SsoView }) {
  const save = useSaveSsoSettings();
  const remove = useDeleteSsoSettings();
  const [form, setForm] = useState(() => formOf(view.sso));
  const [testResult] = useState(testResultOfUrl);
  useEffect(() => setForm(formOf(view.sso)), [view.sso]);

  const mapping = ROLES.flatMap((role) => form.values[role].map((value) => ({ value, role })));
  const valid =
    form.issuer.trim() !== '' &&
    form.clientId.trim() !== '' &&
    (view.sso !== null || form.clientSecret !== '') &&
    form.roleClaim.trim() !== '' &&
    mapping.length > 0 &&
    form.emailDomains.length > 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    save.mutate({
      issuer: form.issuer.trim(),
      clientId: form.clientId.trim(),
      ...(form.clientSecret ? { clientSecret: form.clientSecret } : {}),
      roleClaim: form.roleClaim.trim(),
      roleMapping: mapping,
      emailDomains: form.emailDomains,
      passwordLogin: form.passwordLogin,
    });
  };

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="sign-in-title">
      <form onSubmit={submit} noValidate>
        <Stack>
          <div>
            <Title order={2} size="h3" id="sign-in-title">
              Sign-in
            </Title>
            <Text size="sm" c="dimmed">
              Single sign-on with your identity provider (OpenID Connect). Users are created on their first
              sign-in with the role your provider’s claim maps to, and their role follows the claim on every
              sign-in.
            </Text>
          </div>
          {testResult && (
            <Alert color={testResult.ok ? 'teal' : 'red'} variant="light" title="Test sign-in" role="status">
              {testResult.text}
            </Alert>
          )}
          {save.isError && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          {save.isSuccess && (
            <Alert color="teal" variant="light" role="status">
              Sign-in settings saved.
            </Alert>
          )}
          <Group gap="xs">
            <Text size="sm">Redirect URI to register at your provider:</Text>
            <Code data-testid="sso-redirect-uri">{view.redirectUri}</Code>
            <CopyButton value={view.redirectUri}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Issuer URL"
              placeholder="https://login.example.com"
              required
              value={form.issuer}
              onChange={(e) => setForm({ ...form, issuer: e.currentTarget.value })}
            />
            <TextInput
              label="Client ID"
              required
              value={form.clientId}
              onChange={(e) => setForm({ ...form, clientId: e.currentTarget.value })}
            />
            <PasswordInput
              label="Client secret"
              description={view.sso ? 'Stored, never shown. Leave empty to keep it.' : undefined}
              required={view.sso === null}
              autoComplete="off"
              value={form.clientSecret}
              onChange={(e) => setForm({ ...form, clientSecret: e.currentTarget.value })}
            />
            <TagsInput
              label="Email domains"
              description="Addresses of these domains sign in through this provider."
              placeholder="example.com"
              value={form.emailDomains}
              onChange={(emailDomains) => setForm({ ...form, emailDomains })}
            />
            <TextInput
              label="Role claim"
              description="The ID token claim that carries the role, such as groups."
              required
              value={form.roleClaim}
              onChange={(e) => setForm({ ...form, roleClaim: e.currentTarget.value })}
            />
          </SimpleGrid>
          <Text size="sm" fw={500}>
            Claim values for each role (a user with none of them cannot sign in)
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {ROLES.map((role) => (
              <TagsInput
                key={role}
                label={formatRole(role)}
                placeholder="Add a value"
                value={form.values[role]}
                onChange={(v) => setForm({ ...form, values: { ...form.values, [role]: v } })}
              />
            ))}
          </SimpleGrid>
          <Switch
            label="Users may also sign in with a password"
            checked={form.passwordLogin}
            onChange={(e) => setForm({ ...form, passwordLogin: e.currentTarget.checked })}
          />
          {view.sso && (
            <Text size="xs" c="dimmed">
              Last changed {formatDateTime(view.sso.updatedAt)}.
            </Text>
          )}
          <Group justify="space-between">
            <Group>
              <Button type="submit" disabled={!valid} loading={save.isPending}>
                Save
              </Button>
              {view.sso && (
                <Button component="a" variant="default" href={`${startSso.path}?test=true`}>
                  Test sign-in
                </Button>
              )}
            </Group>
            {view.sso && (
              <Button variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
                Turn off single sign-on
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** Tenant Management → Settings. */
export default function SettingsPage() {
  const sso = useSsoSettings();
  return (
    <Stack gap="lg">
      <Title order={1}>Settings</Title>
      <QueryStates query={sso} placeholders={6} rowHeight={36} isEmpty={false} empty={null}>
        {sso.data && <SignInCard view={sso.data} />}
      </QueryStates>
    </Stack>
  );
}
