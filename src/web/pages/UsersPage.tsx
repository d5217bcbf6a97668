import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../shared/accounts';
import { EMAIL_PATTERN, ROLES } from '../../shared/contract/index';
import { SIGN_IN_METHOD_LABELS } from '../../shared/sign-in';
import { useSession } from '../api/auth';
import type { Role, UserListItem } from '../api/types';
import { useInviteUser, useUpdateUser, useUsers } from '../api/users';
import { ApiKeysCard } from '../components/ApiKeysCard';
import { Empty, errorMessage, QueryStates } from '../components/States';
import { formatDateTime, formatDay, formatRole } from '../lib/format';

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: formatRole(r) }));

function InviteModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const invite = useInviteUser();
  const [form, setForm] = useState({ email: '', name: '', role: 'recruiter' as Role, password: '' });
  const emailOk = EMAIL_PATTERN.test(form.email.trim());
  const valid = emailOk && form.name.trim() !== '' && form.password.length >= MIN_PASSWORD_LENGTH;
  const close = () => {
    invite.reset();
    setForm({ email: '', name: '', role: 'recruiter', password: '' });
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) invite.mutate(form, { onSuccess: close });
  };
  return (
    <Modal opened={opened} onClose={close} title="Invite a user" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {invite.isError && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(invite.error)}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            required
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
            error={form.email && !emailOk ? 'Enter an email address' : undefined}
          />
          <TextInput
            label="Name"
            required
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
          />
          <Select
            label="Role"
            data={ROLE_OPTIONS}
            value={form.role}
            onChange={(v) => v && setForm({ ...form, role: v as Role })}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <PasswordInput
            label="Initial password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters; share it with them safely.`}
            required
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
            error={
              form.password && form.password.length < MIN_PASSWORD_LENGTH
                ? `At least ${MIN_PASSWORD_LENGTH} characters`
                : undefined
            }
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" disabled={!valid} loading={invite.isPending}>
              Invite
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function UserRow({
  user,
  isSelf,
  onDeactivate,
}: {
  user: UserListItem;
  isSelf: boolean;
  onDeactivate: () => void;
}) {
  const update = useUpdateUser();
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {user.name}
          {isSelf && (
            <Text span c="dimmed" size="sm">
              {' '}
              (you)
            </Text>
          )}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{user.email}</Text>
        <Text size="xs" c="dimmed">
          {user.signInMethods.length > 0
            ? `Signs in with ${user.signInMethods.map((m) => SIGN_IN_METHOD_LABELS[m].toLowerCase()).join(' or ')}`
            : 'No way to sign in yet'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={`Role of ${user.name}`}
          data={ROLE_OPTIONS}
          value={user.role}
          onChange={(v) => v && v !== user.role && update.mutate({ userId: user.id, role: v as Role })}
          allowDeselect={false}
          disabled={!user.active || isSelf || update.isPending}
          size="xs"
          w={160}
          error={update.isError ? errorMessage(update.error) : undefined}
          comboboxProps={{ withinPortal: true }}
        />
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Badge variant="light" color={user.active ? 'teal' : 'gray'}>
          {user.active ? 'Active' : 'Deactivated'}
        </Badge>
      </Table.Td>
      <Table.Td>
        {user.lastSignInAt ? (
          <Stack gap={0}>
            <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
              {formatDateTime(user.lastSignInAt)}
            </Text>
            {user.lastSignInMethod && (
              <Text c="dimmed" size="xs">
                with {SIGN_IN_METHOD_LABELS[user.lastSignInMethod].toLowerCase()}
              </Text>
            )}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            Never
          </Text>
        )}
      </Table.Td>
      <Table.Td>{formatDay(user.createdAt)}</Table.Td>
      <Table.Td ta="right">
        {user.active && !isSelf && (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={onDeactivate}
            aria-label={`Deactivate ${user.name}`}
          >
            Deactivate
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Tenant Management → Users: list, invite, change a role, deactivate; and the tenant's API keys. */
export default function UsersPage() {
  const users = useUsers();
  const session = useSession();
  const update = useUpdateUser();
  const [inviting, setInviting] = useState(false);
  const [deactivating, setDeactivating] = useState<UserListItem | undefined>();

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>Users</Title>
        <Button onClick={() => setInviting(true)}>Invite a user</Button>
      </Group>
      <Card withBorder padding="md">
        <QueryStates
          query={users}
          placeholders={4}
          rowHeight={30}
          isEmpty={users.data?.users.length === 0}
          empty={
            <Empty
              title="No users yet"
              description="Invite the people who run interviews or read the figures."
            />
          }
        >
          {users.data && (
            <Table.ScrollContainer minWidth={960}>
              <Table verticalSpacing="sm" aria-label="Users" data-testid="users-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Last sign-in</Table.Th>
                    <Table.Th>Added</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {users.data.users.map((u) => (
                    <UserRow
                      key={u.id}
                      user={u}
                      isSelf={u.id === session.data?.user.id}
                      onDeactivate={() => {
                        update.reset();
                        setDeactivating(u);
                      }}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </QueryStates>
      </Card>
      <ApiKeysCard />
      <InviteModal opened={inviting} onClose={() => setInviting(false)} />
      <Modal
        opened={deactivating !== undefined}
        onClose={() => setDeactivating(undefined)}
        title="Deactivate user"
        centered
      >
        <Stack>
          <Text>
            Deactivate <b>{deactivating?.name}</b> ({deactivating?.email})? They are signed out at once and
            can no longer sign in. Their history stays.
          </Text>
          {update.isError && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(update.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeactivating(undefined)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={update.isPending}
              onClick={() =>
                deactivating &&
                update.mutate(
                  { userId: deactivating.id, active: false },
                  { onSuccess: () => setDeactivating(undefined) },
                )
              }
            >
              Deactivate
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
