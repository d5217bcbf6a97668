import { ActionIcon, Group, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { METRIC_DEFINITIONS } from '../../shared/metrics';
import { InfoIcon } from './icons';

export type MetricKey = keyof typeof METRIC_DEFINITIONS;

/** The definition of a figure, one hover (or focus, or tap) away. */
export function DefinitionHint({ metric, label }: { metric: MetricKey; label: string }) {
  const text = METRIC_DEFINITIONS[metric];
  return (
    <Tooltip label={text} multiline w={280} withArrow events={{ hover: true, focus: true, touch: true }}>
      <ActionIcon
        variant="subtle"
        color="gray"
        size="sm"
        radius="xl"
        aria-label={`What is ${label}? ${text}`}
        data-metric={metric}
      >
        <InfoIcon size={15} />
      </ActionIcon>
    </Tooltip>
  );
}

/** A figure's name with its definition beside it. */
export function MetricLabel({ metric, children }: { metric: MetricKey; children: string }): ReactNode {
  return (
    <Group gap={4} wrap="nowrap" component="span" style={{ display: 'inline-flex' }}>
      <span>{children}</span>
      <DefinitionHint metric={metric} label={children} />
    </Group>
  );
}
