import { Alert, Button, Card, Stack, Text, Title } from '@mantine/core';
import { useUnsubscribe } from '../api/notifications';
import { errorMessage } from '../components/States';

/**
 * Where an email's unsubscribe link lands, signed in or not: one button turns off every email to
 * that recipient. It asks first, so a mail scanner that opens the link changes nothing.
 */
export function UnsubscribePage() {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const stop = useUnsubscribe();
  return (
    <Card
      withBorder
      maw={560}
      mx="auto"
      mt="15vh"
      p="xl"
      component="main"
      aria-labelledby="unsubscribe-title"
    >
      <Stack align="center" ta="center">
        <Title order={1} size="h2" id="unsubscribe-title">
          Meterline emails
        </Title>
        {stop.isSuccess ? (
          <Text role="status">
            {stop.data.email} will no longer receive Meterline emails. An Account Admin can add it again on
            Plan &amp; credits.
          </Text>
        ) : (
          <>
            <Text>Stop every Meterline email (alerts, the weekly digest, statements) to this address?</Text>
            <Button onClick={() => stop.mutate(token)} loading={stop.isPending} disabled={token === ''}>
              Unsubscribe
            </Button>
          </>
        )}
        {stop.error && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(stop.error)}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
