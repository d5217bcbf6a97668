import { Alert, Button, Center, EmptyState, Group, Loader, Skeleton, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { AlertIcon, InboxIcon } from './icons';

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/**
 * What to quote to support for a fault on the server's side (5xx): its request's id, which the
 * server's log lines carry. A refusal of what was asked says itself what to change.
 */
export function errorReference(error: unknown): string | undefined {
  return error instanceof ApiError && error.status >= 500 ? error.requestId : undefined;
}

/** An error with what happened and a way to try again. */
export function ErrorState({
  error,
  onRetry,
  title = 'This could not be loaded',
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  const reference = errorReference(error);
  return (
    <Alert color="red" variant="light" title={title} icon={<AlertIcon />} role="alert">
      <Group justify="space-between" gap="sm">
        <Stack gap={2}>
          <Text size="sm">{errorMessage(error)}</Text>
          {reference && (
            <Text size="xs" c="dimmed">
              Reference: {reference}
            </Text>
          )}
        </Stack>
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Group>
    </Alert>
  );
}

/** Nothing to show, and what to do about it. */
export function Empty({
  title,
  description,
  action,
}: {
  title: string;
  description: ReactNode;
  action?: ReactNode;
}) {
  return (
    <EmptyState
      icon={<InboxIcon size={28} />}
      withIndicatorBackground
      title={title}
      description={description}
      py="xl"
      role="status"
    >
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  );
}

/**
 * What a list shows for its query: the error with a retry (unless earlier data is still shown),
 * placeholder rows while it first loads, the empty state, or the list itself (`children`).
 */
export function QueryStates({
  query,
  placeholders,
  rowHeight,
  isEmpty,
  empty,
  children,
}: {
  query: { isError: boolean; error: unknown; data: unknown; refetch: () => unknown };
  placeholders: number;
  rowHeight: number;
  isEmpty: boolean;
  empty: ReactNode;
  children: ReactNode;
}) {
  if (query.data === undefined) {
    if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
    return (
      <Stack gap="xs">
        {Array.from({ length: placeholders }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders
          <Skeleton key={i} h={rowHeight} />
        ))}
      </Stack>
    );
  }
  return isEmpty ? empty : children;
}

export function PageLoader({ label = 'Loading' }: { label?: string }) {
  return (
    <Center h="60vh" role="status" aria-label={label}>
      <Loader />
    </Center>
  );
}
