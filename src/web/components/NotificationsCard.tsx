import { Alert, Button, Checkbox, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { EMAIL_PATTERN } from '../../shared/contract/index';
import { type Recipient, useRecipients, useSaveRecipients } from '../api/notifications';
import { SettingsCard } from './SettingsCard';
import { errorMessage } from './States';

const WANTS = [
  ['alerts', 'Alerts'],
  ['weeklyDigest', 'Weekly digest'],
  ['statements', 'Statements'],
] as const;

function RecipientsForm({ saved }: { saved: Recipient[] }) {
  const [rows, setRows] = useState(saved);
  const [email, setEmail] = useState('');
  const save = useSaveRecipients();
  useEffect(() => setRows(saved), [saved]);
  const trimmed = email.trim().toLowerCase();
  const invalid =
    trimmed === ''
      ? null
      : !EMAIL_PATTERN.test(trimmed)
        ? 'Enter an email address'
        : rows.some((r) => r.email === trimmed)
          ? 'Already listed'
          : null;

  const add = (e: FormEvent) => {
    e.preventDefault();
    if (trimmed === '' || invalid) return;
    setRows([...rows, { email: trimmed, alerts: true, weeklyDigest: true, statements: true }]);
    setEmail('');
  };
  const toggle = (i: number, key: (typeof WANTS)[number][0]) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, [key]: !r[key] } : r)));

  return (
    <Stack gap="sm">
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table aria-label="Email recipients" data-testid="email-recipients">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                {WANTS.map(([key, label]) => (
                  <Table.Th key={key}>{label}</Table.Th>
                ))}
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                <Table.Tr key={r.email}>
                  <Table.Td>{r.email}</Table.Td>
                  {WANTS.map(([key, label]) => (
                    <Table.Td key={key}>
                      <Checkbox
                        checked={r[key]}
                        onChange={() => toggle(i, key)}
                        aria-label={`${label} to ${r.email}`}
                      />
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => setRows(rows.filter((_, j) => j !== i))}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <form onSubmit={add}>
        <Group align="flex-start" gap="xs">
          <TextInput
            label="Add a recipient"
            description="Any address: a finance mailbox need not be a console user."
            placeholder="finance@example.com"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={invalid}
            w={320}
          />
          <Button type="submit" variant="default" mt={44}>
            Add
          </Button>
        </Group>
      </form>
      <Group>
        <Button onClick={() => save.mutate(rows)} loading={save.isPending}>
          Save recipients
        </Button>
        {save.isSuccess && <Text size="sm">Saved.</Text>}
      </Group>
      {save.error && (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(save.error)}
        </Alert>
      )}
    </Stack>
  );
}

/** Plan & credits → email: who receives alerts, the weekly digest and statements. */
export function NotificationsCard() {
  const recipients = useRecipients();
  return (
    <SettingsCard id="email-title" title="Email notifications" query={recipients}>
      {(data) => (
        <Stack gap="md">
          {!data.emailEnabled && (
            <Alert color="yellow" variant="light" data-testid="email-off">
              Email is off: this server has no SMTP server to send through (<Code>METERLINE_SMTP_URL</Code>).
              Recipients are kept and receive email once it is set.
            </Alert>
          )}
          <RecipientsForm saved={data.recipients} />
        </Stack>
      )}
    </SettingsCard>
  );
}
