import { Badge, Button, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { AUDIT_ACTIONS } from '../../shared/audit-actions';
import { useAuditLog } from '../api/audit';
import { useRecruiterNames } from '../api/consumption';
import type { AuditEntry } from '../api/types';
import { useUsers } from '../api/users';
import { Empty, QueryStates } from '../components/States';
import { type AuditNames, auditActionLabel, auditActor, describeAudit } from '../lib/audit';
import { formatDateTime, formatNumber } from '../lib/format';
import { useSearchParams } from '../lib/router';

/** The known actions, and one from the address that this console does not know yet. */
function actionOptions(selected: string | null) {
  const options: { value: string; label: string }[] = Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({
    value,
    label,
  }));
  if (selected && !(selected in AUDIT_ACTIONS))
    options.push({ value: selected, label: auditActionLabel(selected) });
  return options.sort((a, b) => a.label.localeCompare(b.label));
}

/** The actor filter offers the tenant's users, the actors on the rows shown, and the operators. */
function useActorOptions(entries: AuditEntry[], selected: string | null) {
  const users = useUsers();
  return useMemo(() => {
    const options = new Map<string, string>();
    const add = (actor: string, name: string | null) => {
      if (options.has(actor)) return;
      const who = auditActor(actor, name);
      options.set(actor, who.kind && who.kind !== who.name ? `${who.name} · ${who.kind}` : who.name);
    };
    for (const u of users.data?.users ?? []) add(`user:${u.email}`, u.name);
    for (const e of entries) add(e.actor, e.actorName);
    add('cli', null);
    if (selected) add(selected, null);
    return [...options]
      .map(([value, label]) => ({ value, label }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [users.data, entries, selected]);
}

function AuditRow({ entry, names }: { entry: AuditEntry; names: AuditNames }) {
  const who = auditActor(entry.actor, entry.actorName);
  return (
    <Table.Tr>
      <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>{formatDateTime(entry.at)}</Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text size="sm" fw={500} truncate maw={220}>
          {who.name}
        </Text>
        {who.kind && (
          <Text size="xs" c="dimmed" truncate maw={220}>
            {who.kind}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Badge variant="light" color="gray" radius="sm" tt="none" fw={500}>
          {auditActionLabel(entry.action)}
        </Badge>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text size="sm">{describeAudit(entry.action, entry.details, names)}</Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Tenant Management → Audit log: who changed what, when; newest first, a page at a time. */
export default function AuditLogPage() {
  const [params, setParams] = useSearchParams();
  const action = params.get('action');
  const actor = params.get('actor');
  const log = useAuditLog({ action, actor });
  const entries = useMemo(() => log.data?.pages.flatMap((p) => p.entries) ?? [], [log.data]);
  const actorOptions = useActorOptions(entries, actor);
  const recruiter = useRecruiterNames();
  const names = useMemo<AuditNames>(() => ({ recruiter }), [recruiter]);
  const filtered = action !== null || actor !== null;

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Audit log</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Who changed what in this tenant, newest first: purchases, reversals, users, API keys, alert
          settings, openings and exports. Rows are never edited, and each is chained to the one before it, so
          a change made behind Meterline’s back shows when the ledger is verified.
        </Text>
      </div>
      <Card withBorder padding="md" component="section" aria-label="Audit log entries">
        <Group gap="sm" mb="md" align="flex-end">
          <Select
            label="Action"
            placeholder="All actions"
            data={actionOptions(action)}
            value={action}
            onChange={(v) => setParams({ action: v })}
            clearable
            searchable
            w={240}
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label="Who"
            placeholder="Anyone"
            data={actorOptions}
            value={actor}
            onChange={(v) => setParams({ actor: v })}
            clearable
            searchable
            w={300}
            comboboxProps={{ withinPortal: true }}
          />
          {filtered && (
            <Button variant="subtle" onClick={() => setParams({ action: null, actor: null })}>
              Clear filters
            </Button>
          )}
        </Group>
        <QueryStates
          query={log}
          placeholders={8}
          rowHeight={30}
          isEmpty={entries.length === 0}
          empty={
            <Empty
              title={filtered ? 'Nothing matches these filters' : 'Nothing recorded yet'}
              description={
                filtered
                  ? 'Try another action or person, or clear the filters.'
                  : 'Purchases, reversals and changes to users, keys and settings appear here as they happen.'
              }
            />
          }
        >
          {log.data && (
            <>
              <Table.ScrollContainer minWidth={760}>
                <Table striped fz="sm" aria-label="Audit log" data-testid="audit-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={170}>When</Table.Th>
                      <Table.Th w={220}>Who</Table.Th>
                      <Table.Th w={200}>Action</Table.Th>
                      <Table.Th>What was done</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {entries.map((e) => (
                      <AuditRow key={e.id} entry={e} names={names} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Group justify="space-between" mt="sm">
                <Text size="sm" c="dimmed">
                  {formatNumber(entries.length)} {entries.length === 1 ? 'entry' : 'entries'} shown
                </Text>
                {log.hasNextPage && (
                  <Button
                    variant="light"
                    onClick={() => void log.fetchNextPage()}
                    loading={log.isFetchingNextPage}
                  >
                    Load more
                  </Button>
                )}
              </Group>
            </>
          )}
        </QueryStates>
      </Card>
    </Stack>
  );
}
