import { Text } from '@mantine/core';

/** One labelled term of the plan: a small caps label over its value. */
export function Term({
  label,
  children,
  testId,
}: {
  label: React.ReactNode;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}
