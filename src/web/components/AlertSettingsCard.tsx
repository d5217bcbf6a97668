import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import {
  type AlertSettings,
  useAlertSettings,
  useAlerts,
  useRotateWebhookSecret,
  useSaveAlertSettings,
  useSendTestWebhook,
  useWebhookDeliveries,
  type WebhookDelivery,
} from '../api/alerts';
import { formatCredits, formatDateTime, formatLabel, formatPercent } from '../lib/format';
import { SettingsCard } from './SettingsCard';
import { errorMessage } from './States';

const isPercent = (s: string) => /^\d{1,3}$/.test(s) && Number(s) <= 100;

function DeliveryStatus({ d }: { d: WebhookDelivery }) {
  if (d.deliveredAt) return <Badge color="teal">Delivered</Badge>;
  if (d.abandonedAt) return <Badge color="red">Gave up</Badge>;
  if (d.attempts === 0) return <Badge color="gray">Queued</Badge>;
  return <Badge color="orange">Retrying</Badge>;
}

/** A signing secret, shown once with a copy button. */
function SecretShown({ secret, replaced }: { secret: string; replaced: boolean }) {
  return (
    <Alert color="teal" variant="light" title="Signing secret" data-testid="webhook-secret">
      <Stack gap={6}>
        <Text size="sm">
          Copy it now: it is not shown again. Deliveries are signed per Standard Webhooks: your endpoint
          verifies each one with it using a Standard Webhooks library (such as <Code>standardwebhooks</Code>).
          {replaced && ' The secret it replaces keeps signing beside it for 24 hours.'}
        </Text>
        <Group gap="xs">
          <Code data-testid="webhook-secret-value">{secret}</Code>
          <CopyButton value={secret}>
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

function SettingsForm({ settings }: { settings: AlertSettings }) {
  const [thresholds, setThresholds] = useState(settings.thresholds.map(String));
  const [url, setUrl] = useState(settings.webhookUrl ?? '');
  const [secret, setSecret] = useState<{ value: string; replaced: boolean } | null>(null);
  const save = useSaveAlertSettings();
  const rotate = useRotateWebhookSecret();
  const test = useSendTestWebhook();
  useEffect(() => {
    setThresholds(settings.thresholds.map(String));
    setUrl(settings.webhookUrl ?? '');
  }, [settings]);
  const badThreshold = thresholds.find((t) => !isPercent(t));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (badThreshold !== undefined) return;
    save.mutate(
      { thresholds: thresholds.map(Number), webhookUrl: url.trim() === '' ? null : url.trim() },
      { onSuccess: (r) => setSecret(r.secret ? { value: r.secret, replaced: false } : null) },
    );
  };
  const failed = save.error ?? rotate.error ?? test.error;

  return (
    <Stack gap="sm">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TagsInput
            label="Alert when the credits left fall to (% of the period's allotment)"
            description="Each alert is raised once until the credits rise back above it, in the console, to the webhook and by email."
            value={thresholds}
            onChange={setThresholds}
            error={badThreshold !== undefined ? 'Whole percentages from 0 to 100' : undefined}
            maxTags={10}
            data-testid="alert-thresholds"
          />
          <TextInput
            label="Webhook URL"
            description="Optional. Meterline POSTs a signed JSON event here for each alert."
            placeholder="https://example.com/hooks/meterline"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            data-testid="webhook-url"
          />
          <Group gap="sm">
            <Button type="submit" loading={save.isPending}>
              Save alerts
            </Button>
            {settings.webhookUrl && (
              <>
                <Button variant="default" loading={test.isPending} onClick={() => test.mutate()}>
                  Send a test event
                </Button>
                <Button
                  variant="default"
                  loading={rotate.isPending}
                  onClick={() =>
                    rotate.mutate(undefined, {
                      onSuccess: (r) => setSecret({ value: r.secret, replaced: true }),
                    })
                  }
                >
                  New signing secret
                </Button>
              </>
            )}
          </Group>
        </Stack>
      </form>
      {save.isSuccess && !secret && (
        <Text size="sm" c="teal" role="status">
          Saved.
        </Text>
      )}
      {test.isSuccess && (
        <Text size="sm" c="teal" role="status">
          Test event queued: it appears below within seconds.
        </Text>
      )}
      {failed && (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(failed)}
        </Alert>
      )}
      {secret && <SecretShown secret={secret.value} replaced={secret.replaced} />}
    </Stack>
  );
}

/** Every alert of late: when each threshold was reached, with what was left, and when it was resolved. */
function AlertHistory() {
  const alerts = useAlerts();
  const rows = alerts.data?.alerts ?? [];
  if (rows.length === 0) return null;
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table striped aria-label="Alert history" data-testid="alert-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Threshold</Table.Th>
            <Table.Th>Reached</Table.Th>
            <Table.Th>Credits left then</Table.Th>
            <Table.Th>Resolved</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((a) => (
            <Table.Tr key={`${a.periodStart}-${a.thresholdPercent}-${a.raisedAt}`}>
              <Table.Td>{formatPercent(a.thresholdPercent / 100)}</Table.Td>
              <Table.Td>{formatDateTime(a.raisedAt)}</Table.Td>
              <Table.Td>
                {formatCredits(a.balance)} of {formatCredits(a.allotment)}
              </Table.Td>
              <Table.Td>
                {a.resolvedAt ? formatDateTime(a.resolvedAt) : <Badge color="orange">Open</Badge>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Deliveries() {
  const deliveries = useWebhookDeliveries();
  const rows = deliveries.data?.deliveries ?? [];
  if (rows.length === 0) return null;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped aria-label="Webhook deliveries" data-testid="webhook-deliveries">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Event</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Attempts</Table.Th>
            <Table.Th>Last answer</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>{formatLabel(d.eventType.replace('.', ' '))}</Table.Td>
              <Table.Td>{formatDateTime(d.createdAt)}</Table.Td>
              <Table.Td>
                <DeliveryStatus d={d} />
              </Table.Td>
              <Table.Td>{d.attempts}</Table.Td>
              <Table.Td>
                {d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—')}
                {d.nextAttemptAt && d.attempts > 0 ? ` · next try ${formatDateTime(d.nextAttemptAt)}` : ''}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Plan & credits → credit alerts: thresholds, the webhook endpoint, its secret and deliveries. */
export function AlertSettingsCard() {
  const settings = useAlertSettings();
  return (
    <SettingsCard id="alerts-title" title="Credit alerts" query={settings}>
      {(data) => (
        <Stack gap="md">
          <SettingsForm settings={data} />
          <AlertHistory />
          <Deliveries />
        </Stack>
      )}
    </SettingsCard>
  );
}
