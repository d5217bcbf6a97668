import { Badge, Button, CloseButton, Group, Popover, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { UsageFilter } from '../../shared/filters';
import { tagFilterParam } from '../../shared/filters';
import { useAttributes, useRecruiterNames } from '../api/consumption';
import { chipsOf, FIXED_FILTER_LABELS } from '../lib/usageFilter';

type Attributes = NonNullable<ReturnType<typeof useAttributes>['data']>;

/** The filters one can add: each fixed attribute and each tag key, with the values the tenant has. */
function choicesOf(
  a: Attributes,
): { param: string; label: string; values: { value: string; label: string }[] }[] {
  const plain = (vs: string[]) => vs.map((v) => ({ value: v, label: v }));
  return [
    {
      param: 'recruiterId',
      label: FIXED_FILTER_LABELS.recruiterId,
      values: a.recruiters.map((r) => ({ value: r.id, label: r.name ? `${r.name} (${r.id})` : r.id })),
    },
    { param: 'department', label: FIXED_FILTER_LABELS.department, values: plain(a.departments) },
    { param: 'location', label: FIXED_FILTER_LABELS.location, values: plain(a.locations) },
    ...a.tags.map((t) => ({ param: tagFilterParam(t.key), label: `Tag ${t.key}`, values: plain(t.values) })),
  ].filter((c) => c.values.length > 0);
}

/**
 * The Consumption page's filter chips (docs/product.md, Filters): one per filter in force, each
 * removable, and "Add filter" to pick an attribute and one of its values. Changes go to the URL.
 */
export function FilterChips({
  filter,
  onChange,
}: {
  filter: UsageFilter;
  /** Sets (a value) or removes (null) one filter parameter. */
  onChange: (param: string, value: string | null) => void;
}) {
  const attributes = useAttributes();
  const [opened, setOpened] = useState(false);
  const [param, setParam] = useState<string | null>(null);
  const chips = chipsOf(filter);
  const choices = attributes.data ? choicesOf(attributes.data) : [];
  const chosen = choices.find((c) => c.param === param);
  const recruiterName = useRecruiterNames();
  if (chips.length === 0 && choices.length === 0) return null;
  return (
    <Group gap="xs" data-testid="filter-chips" aria-label="Filters" role="group">
      <Text size="sm" fw={500}>
        Filters
      </Text>
      {chips.length === 0 && (
        <Text size="sm" c="dimmed">
          none: every interview
        </Text>
      )}
      {chips.map((c) => (
        <Badge
          key={c.param}
          size="lg"
          variant="light"
          tt="none"
          pr={3}
          data-testid={`filter-chip-${c.param}`}
          rightSection={
            // A button of its own (a pill's cross is hidden from keyboards and readers).
            <CloseButton
              size="sm"
              variant="transparent"
              aria-label={`Remove the filter ${c.label}: ${c.value}`}
              onClick={() => onChange(c.param, null)}
            />
          }
        >
          {c.label}: {c.param === 'recruiterId' ? (recruiterName(c.value) ?? c.value) : c.value}
        </Badge>
      ))}
      {choices.length > 0 && (
        <Popover
          opened={opened}
          onChange={setOpened}
          position="bottom-start"
          withinPortal
          trapFocus
          returnFocus
        >
          <Popover.Target>
            <Button
              size="compact-sm"
              variant="default"
              onClick={() => setOpened((o) => !o)}
              data-testid="filter-add"
            >
              Add filter
            </Button>
          </Popover.Target>
          <Popover.Dropdown>
            <Stack gap="xs" w={260}>
              <Select
                label="Attribute"
                data={choices.map((c) => ({ value: c.param, label: c.label }))}
                value={param}
                onChange={setParam}
                comboboxProps={{ withinPortal: false }}
                data-testid="filter-attribute"
              />
              <Select
                label="Value"
                data={chosen?.values ?? []}
                disabled={!chosen}
                searchable
                value={null}
                onChange={(v) => {
                  if (!param || v === null) return;
                  onChange(param, v);
                  setOpened(false);
                  setParam(null);
                }}
                comboboxProps={{ withinPortal: false }}
                data-testid="filter-value"
              />
            </Stack>
          </Popover.Dropdown>
        </Popover>
      )}
    </Group>
  );
}
