import { Card, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorState } from './States';

/**
 * A titled section of settings (Plan & credits) that shows its query's data once loaded: the
 * error with a retry until then, or a loading line.
 */
export function SettingsCard<T>({
  id,
  title,
  description,
  query,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  query: { isError: boolean; error: unknown; data: T | undefined; refetch: () => unknown };
  children: (data: T) => ReactNode;
}) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb={description ? 4 : 'sm'}>
        {title}
      </Title>
      {description && (
        <Text size="sm" c="dimmed" mb="sm">
          {description}
        </Text>
      )}
      {query.data !== undefined ? (
        children(query.data)
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Text c="dimmed">Loading…</Text>
      )}
    </Card>
  );
}
