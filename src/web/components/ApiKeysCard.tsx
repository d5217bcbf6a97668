import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import {
  API_KEY_SCOPE_DESCRIPTIONS,
  API_KEY_SCOPES,
  type ApiKeyScope,
  DEFAULT_API_KEY_SCOPES,
} from '../../shared/api-key-scopes';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../api/apiKeys';
import type { ApiKeyListItem, CreatedApiKey } from '../api/types';
import { formatDateTime, formatDay } from '../lib/format';
import { Empty, errorMessage, QueryStates } from './States';

/** The new key, shown once with a copy button. */
function KeyShown({ created }: { created: CreatedApiKey }) {
  return (
    <Alert color="teal" variant="light" title={`API key "${created.name}"`} data-testid="api-key-created">
      <Stack gap={6}>
        <Text size="sm">
          Copy it now: it is not shown again. Send it as <Code>Authorization: Bearer &lt;key&gt;</Code>.
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Code style={{ wordBreak: 'break-all' }} data-testid="api-key-value">
            {created.key}
          </Code>
          <CopyButton value={created.key}>
            {({ copied, copy }) => (
              <Button size="xs" variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Alert>
  );
}

function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([...DEFAULT_API_KEY_SCOPES]);
  const valid = name.trim() !== '' && scopes.length > 0;
  const close = () => {
    create.reset();
    setName('');
    setScopes([...DEFAULT_API_KEY_SCOPES]);
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) create.mutate({ name: name.trim(), scopes });
  };
  const created = create.data?.apiKey;
  return (
    <Modal opened={opened} onClose={close} title="Create an API key" centered size="lg">
      {created ? (
        <Stack>
          <KeyShown created={created} />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {create.isError && (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(create.error)}
              </Alert>
            )}
            <TextInput
              label="Name"
              description="What the key is for, e.g. Interview engine"
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              data-testid="api-key-name"
            />
            <Checkbox.Group
              label="Scopes"
              description="What the key may do. Give each system only what it needs: a key that may buy credits is a payment credential."
              value={scopes}
              onChange={(v) => setScopes(API_KEY_SCOPES.filter((s) => v.includes(s)))}
              error={scopes.length === 0 ? 'Choose at least one scope' : undefined}
              data-testid="api-key-scopes"
            >
              <Stack gap={6} mt="xs">
                {API_KEY_SCOPES.map((s) => (
                  <Checkbox
                    key={s}
                    value={s}
                    label={<Code>{s}</Code>}
                    description={API_KEY_SCOPE_DESCRIPTIONS[s]}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" disabled={!valid} loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function KeyRow({ apiKey, onRevoke }: { apiKey: ApiKeyListItem; onRevoke: () => void }) {
  const revoked = apiKey.revokedAt !== null;
  return (
    <Table.Tr data-testid="api-key-row" c={revoked ? 'dimmed' : undefined}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {apiKey.name}
        </Text>
        <Code>{apiKey.prefix}…</Code>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {apiKey.scopes.map((s) => (
            <Badge key={s} variant="light" color={s === 'credits:purchase' ? 'orange' : 'blue'} tt="none">
              {s}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(apiKey.createdAt)}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="api-key-last-used">
        {apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : 'Never'}
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={revoked ? 'gray' : 'teal'}>
          {revoked ? `Revoked ${formatDay(apiKey.revokedAt ?? '')}` : 'Active'}
        </Badge>
      </Table.Td>
      <Table.Td ta="right">
        {!revoked && (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={onRevoke}
            aria-label={`Revoke ${apiKey.name}`}
          >
            Revoke
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Tenant Management → Users → API keys: each key's scopes and last use; create and revoke. */
export function ApiKeysCard() {
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyListItem | undefined>();

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="api-keys-title">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={2} size="h4" id="api-keys-title">
            API keys
          </Title>
          <Text size="sm" c="dimmed">
            For the interview engine and other systems. A key can do only what its scopes allow.
          </Text>
        </div>
        <Button onClick={() => setCreating(true)}>Create an API key</Button>
      </Group>
      <QueryStates
        query={keys}
        placeholders={2}
        rowHeight={30}
        isEmpty={keys.data?.apiKeys.length === 0}
        empty={
          <Empty
            title="No API keys yet"
            description="Create one for the interview engine to send its events."
          />
        }
      >
        {keys.data && (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" aria-label="API keys" data-testid="api-keys-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Scopes</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.data.apiKeys.map((k) => (
                  <KeyRow
                    key={k.id}
                    apiKey={k}
                    onRevoke={() => {
                      revoke.reset();
                      setRevoking(k);
                    }}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryStates>
      <CreateKeyModal opened={creating} onClose={() => setCreating(false)} />
      <Modal
        opened={revoking !== undefined}
        onClose={() => setRevoking(undefined)}
        title="Revoke API key"
        centered
      >
        <Stack>
          <Text>
            Revoke <b>{revoking?.name}</b> ({revoking?.prefix}…)? It is refused from its next request, and
            this cannot be undone.
          </Text>
          {revoke.isError && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(revoke.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(undefined)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() =>
                revoking && revoke.mutate(revoking.id, { onSuccess: () => setRevoking(undefined) })
              }
            >
              Revoke
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
