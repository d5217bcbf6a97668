import { Anchor, Card, List, Stack, Text, Title } from '@mantine/core';
import type { Session } from '../api/types';
import { formatRole } from '../lib/format';
import { linkClick } from '../lib/router';

export function HomePage({ session }: { session: Session }) {
  const isAdmin = session.user.role === 'account_admin';
  return (
    <Stack maw={760}>
      <Title order={1}>Welcome, {session.user.name}</Title>
      <Text c="dimmed">
        {session.tenant.name} · signed in as {formatRole(session.user.role)}
      </Text>
      {isAdmin ? (
        <Card withBorder>
          <Text fw={600} mb="xs">
            Tenant Management
          </Text>
          <List spacing="xs">
            <List.Item>
              <Anchor href="/consumption" onClick={linkClick('/consumption')}>
                Consumption
              </Anchor>{' '}
              — interviews and credits used, by period, over time and by opening.
            </List.Item>
            <List.Item>
              <Anchor href="/credits" onClick={linkClick('/credits')}>
                Plan & credits
              </Anchor>{' '}
              — your plan, the balance, credit lots, the ledger and buying more credits.
            </List.Item>
            <List.Item>
              <Anchor href="/budgets" onClick={linkClick('/budgets')}>
                Budgets
              </Anchor>{' '}
              — cap what an opening, a department or a recruiter may use, with alerts as it fills.
            </List.Item>
            <List.Item>
              <Anchor href="/users" onClick={linkClick('/users')}>
                Users
              </Anchor>{' '}
              — invite people, change roles, deactivate accounts.
            </List.Item>
          </List>
        </Card>
      ) : (
        <Card withBorder role="status">
          <Text fw={600}>Nothing to manage here</Text>
          <Text c="dimmed" size="sm" mt={4}>
            Your role ({formatRole(session.user.role)}) has no console items. Usage and credit data are for
            Account Admins only; ask one of them if you need figures.
          </Text>
        </Card>
      )}
    </Stack>
  );
}
