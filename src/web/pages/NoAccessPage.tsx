import { Button, Card, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { LockIcon } from '../components/icons';
import { formatRole } from '../lib/format';
import { linkClick } from '../lib/router';

/** What a role without access sees when it types an admin page's address. */
export function NoAccessPage({ page, role }: { page: string; role: string }) {
  return (
    <Card withBorder maw={560} mx="auto" mt="xl" p="xl" role="alert" aria-labelledby="no-access-title">
      <Stack align="center" ta="center">
        <ThemeIcon size={56} radius="xl" variant="light" color="orange">
          <LockIcon size={28} />
        </ThemeIcon>
        <Title order={1} size="h2" id="no-access-title">
          No access
        </Title>
        <Text>
          {page} is only available to Account Admins. You are signed in as {formatRole(role)}.
        </Text>
        <Text c="dimmed" size="sm">
          Ask an Account Admin of your organisation if you need usage or credit figures.
        </Text>
        <Button component="a" href="/" onClick={linkClick('/')} variant="light">
          Back to home
        </Button>
      </Stack>
    </Card>
  );
}

export function NotFoundPage() {
  return (
    <Card withBorder maw={560} mx="auto" mt="xl" p="xl">
      <Stack align="center" ta="center">
        <Title order={1} size="h2">
          Page not found
        </Title>
        <Text c="dimmed">There is no page at this address.</Text>
        <Button component="a" href="/" onClick={linkClick('/')} variant="light">
          Back to home
        </Button>
      </Stack>
    </Card>
  );
}
