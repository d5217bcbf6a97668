import {
  Alert,
  Autocomplete,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  Progress,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, lazy, Suspense, useState } from 'react';
import {
  BUDGET_SCOPE_KINDS,
  BUDGET_SCOPE_LABELS,
  BUDGET_WINDOW_LABELS,
  BUDGET_WINDOWS,
  type BudgetScopeKind,
  type BudgetWindow,
  DEFAULT_BUDGET_THRESHOLDS,
  MAX_BUDGET_CREDITS,
  MAX_SCOPE_VALUE_LENGTH,
} from '../../shared/budgets';
import {
  type Budget,
  type BudgetInput,
  useBudgets,
  useBudgetUsage,
  useDeleteBudget,
  useSaveBudget,
} from '../api/budgets';
import { useAttributes } from '../api/consumption';
import { Empty, errorMessage, QueryStates } from '../components/States';
import { scopeValueHint } from '../lib/budgetScope';
import { formatCredits, formatDate, formatDateRange, formatPercent } from '../lib/format';

const DailyCreditsChart = lazy(() =>
  import('../components/charts').then((m) => ({ default: m.DailyCreditsChart })),
);

const SCOPE_OPTIONS = BUDGET_SCOPE_KINDS.map((k) => ({ value: k, label: BUDGET_SCOPE_LABELS[k] }));
const WINDOW_OPTIONS = BUDGET_WINDOWS.map((w) => ({
  value: w,
  label: { billing_period: 'Billing period', month: 'Calendar month', total: 'In total' }[w],
}));
const VALUE_LABELS: Record<BudgetScopeKind, string> = {
  opening: 'Opening id',
  department: 'Department',
  recruiter: 'Recruiter id',
};

/** The bar's tone: calm below the first threshold, a warning past it, red when used up. */
const toneOf = (b: Budget) => (b.exhausted ? 'red' : b.reached.length > 0 ? 'orange' : 'indigo');

/** Thresholds as typed ("80, 100"): whole percentages, or undefined when something is not one. */
function parseThresholds(text: string): number[] | undefined {
  const parts = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const values = parts.map(Number);
  return values.every((v) => Number.isInteger(v) && v >= 1 && v <= 100) &&
    new Set(values).size === values.length
    ? values
    : undefined;
}

interface FormState {
  kind: BudgetScopeKind;
  value: string;
  credits: number | string;
  window: BudgetWindow;
  onExhausted: 'alert' | 'block';
  thresholds: string;
}

const formOf = (b?: Budget): FormState =>
  b
    ? {
        kind: b.scope.kind,
        value: b.scope.value,
        credits: b.credits,
        window: b.window,
        onExhausted: b.onExhausted,
        thresholds: b.thresholds.join(', '),
      }
    : {
        kind: 'opening',
        value: '',
        credits: '',
        window: 'billing_period',
        onExhausted: 'alert',
        thresholds: DEFAULT_BUDGET_THRESHOLDS.join(', '),
      };

/** Creates a budget, or changes the one given. */
function BudgetModal({ budget, opened, onClose }: { budget?: Budget; opened: boolean; onClose: () => void }) {
  const save = useSaveBudget();
  const [form, setForm] = useState<FormState>(() => formOf(budget));
  const thresholds = parseThresholds(form.thresholds);
  const credits = typeof form.credits === 'number' ? form.credits : Number.NaN;
  const value = form.value.trim();
  const attributes = useAttributes();
  const hint = scopeValueHint(form.kind, value, attributes.data);
  const valueOk = value.length >= 1 && value.length <= MAX_SCOPE_VALUE_LENGTH[form.kind];
  const creditsOk = credits > 0 && credits <= MAX_BUDGET_CREDITS;
  const valid = valueOk && creditsOk && thresholds !== undefined;
  const close = () => {
    save.reset();
    setForm(formOf(budget));
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    const body: BudgetInput = {
      scope: { kind: form.kind, value },
      credits,
      window: form.window,
      onExhausted: form.onExhausted,
      thresholds,
    };
    save.mutate({ budgetId: budget?.budgetId, body }, { onSuccess: close });
  };
  return (
    <Modal opened={opened} onClose={close} title={budget ? 'Change budget' : 'New budget'} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {save.isError && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          <Select
            label="Budget for"
            data={SCOPE_OPTIONS}
            value={form.kind}
            allowDeselect={false}
            onChange={(v) => v && setForm({ ...form, kind: v as BudgetScopeKind })}
          />
          <Autocomplete
            label={VALUE_LABELS[form.kind]}
            description={form.kind === 'opening' ? 'As the interview engine sends it' : undefined}
            required
            data={hint.options}
            limit={50}
            value={form.value}
            onChange={(v) => setForm({ ...form, value: v })}
            error={
              form.value && !valueOk ? `1 to ${MAX_SCOPE_VALUE_LENGTH[form.kind]} characters` : undefined
            }
            comboboxProps={{ withinPortal: true }}
            data-testid="budget-value"
          />
          {valueOk && hint.warning && (
            <Text size="xs" c="orange.8" data-testid="budget-value-warning" role="status">
              {hint.warning}
            </Text>
          )}
          <NumberInput
            label="Credits"
            required
            min={0.001}
            max={MAX_BUDGET_CREDITS}
            decimalScale={3}
            value={form.credits}
            onChange={(v) => setForm({ ...form, credits: v })}
            error={
              form.credits !== '' && !creditsOk
                ? `More than 0 and at most ${formatCredits(MAX_BUDGET_CREDITS)}`
                : undefined
            }
            data-testid="budget-credits"
          />
          <Select
            label="Window"
            description="Over which days usage counts"
            data={WINDOW_OPTIONS}
            value={form.window}
            allowDeselect={false}
            onChange={(v) => v && setForm({ ...form, window: v as BudgetWindow })}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="budget-action-label">
              When used up
            </Text>
            <SegmentedControl
              aria-labelledby="budget-action-label"
              data={[
                { value: 'alert', label: 'Alert only' },
                { value: 'block', label: 'Block new interviews' },
              ]}
              value={form.onExhausted}
              onChange={(v) => setForm({ ...form, onExhausted: v as 'alert' | 'block' })}
            />
          </Stack>
          <TextInput
            label="Alert at (% used)"
            description="Whole percentages, comma-separated; empty for none"
            value={form.thresholds}
            onChange={(e) => setForm({ ...form, thresholds: e.currentTarget.value })}
            error={thresholds === undefined ? 'Distinct whole numbers from 1 to 100' : undefined}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" disabled={!valid} loading={save.isPending} data-testid="budget-save">
              {budget ? 'Save' : 'Create budget'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteModal({ budget, opened, onClose }: { budget: Budget; opened: boolean; onClose: () => void }) {
  const remove = useDeleteBudget();
  return (
    <Modal opened={opened} onClose={onClose} title="Remove this budget?" centered>
      <Stack>
        <Text size="sm">
          The budget of {formatCredits(budget.credits)} credits for {budget.scope.kind} {budget.label} is
          removed;
          {budget.onExhausted === 'block'
            ? ' new interviews in its scope are no longer held by it.'
            : ' its alerts stop.'}
        </Text>
        {remove.isError && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(remove.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => remove.mutate(budget.budgetId, { onSuccess: onClose })}
            data-testid="budget-delete-confirm"
          >
            Remove budget
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function UsageChart({ budget }: { budget: Budget }) {
  const usage = useBudgetUsage(budget.budgetId);
  if (usage.isError) return <Text size="sm">{errorMessage(usage.error)}</Text>;
  if (!usage.data) return <Text size="sm">Loading the usage…</Text>;
  const { from, to, points } = usage.data;
  return (
    <Suspense fallback={<Text size="sm">Loading the chart…</Text>}>
      <DailyCreditsChart
        points={points}
        label={`Credits used per day by ${budget.label}, ${formatDateRange(from, to)}`}
      />
    </Suspense>
  );
}

function BudgetCard({ budget }: { budget: Budget }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [chart, setChart] = useState(false);
  const usedShare = Math.min(100, budget.percentUsed);
  const windowText =
    budget.windowStart && budget.windowEnd
      ? `${BUDGET_WINDOW_LABELS[budget.window]}: ${formatDateRange(budget.windowStart, budget.windowEnd)}`
      : 'All time';
  const chartId = `budget-chart-${budget.budgetId}`;
  return (
    <Card
      withBorder
      padding="md"
      component="article"
      aria-labelledby={`budget-${budget.budgetId}`}
      data-testid="budget-card"
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Group gap={6}>
              <Badge size="sm" variant="light" color="gray">
                {BUDGET_SCOPE_LABELS[budget.scope.kind]}
              </Badge>
              {budget.onExhausted === 'block' && (
                <Badge size="sm" variant="light" color="red">
                  Blocks when used up
                </Badge>
              )}
            </Group>
            <Title order={2} size="h4" mt={4} id={`budget-${budget.budgetId}`}>
              {budget.label}
            </Title>
            <Text size="xs" c="dimmed">
              {budget.label !== budget.scope.value ? `${budget.scope.value} · ` : ''}
              {windowText}
            </Text>
          </div>
          <Group gap="xs" wrap="nowrap">
            <Button
              size="xs"
              variant="default"
              onClick={() => setEditing(true)}
              aria-label={`Edit the budget of ${budget.label}`}
            >
              Edit
            </Button>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              onClick={() => setDeleting(true)}
              aria-label={`Delete the budget of ${budget.label}`}
            >
              Delete
            </Button>
          </Group>
        </Group>
        <Progress.Root size="lg" aria-hidden="true">
          <Progress.Section value={usedShare} color={toneOf(budget)} />
          <Progress.Section value={100 - usedShare} color="gray.2" />
        </Progress.Root>
        <Group justify="space-between" gap="xs">
          <Text size="sm" data-testid="budget-used">
            <b>{formatCredits(budget.used)}</b> of {formatCredits(budget.credits)} credits used (
            {formatPercent(budget.percentUsed / 100)})
          </Text>
          <Text size="sm">{formatCredits(budget.remaining)} remaining</Text>
        </Group>
        <Text size="sm" c={budget.exhausted ? 'red.8' : undefined} data-testid="budget-projection">
          {budget.exhausted
            ? budget.onExhausted === 'block'
              ? 'Used up: new interviews in this scope are refused.'
              : 'Used up.'
            : budget.projectedExhaustion
              ? `Runs out about ${formatDate(budget.projectedExhaustion)} at the recent pace.`
              : 'Not expected to run out in this window at the recent pace.'}
        </Text>
        <Text size="xs" c="dimmed">
          Alerts at{' '}
          {budget.thresholds.length > 0
            ? budget.thresholds.map((t) => formatPercent(t / 100)).join(', ')
            : 'no threshold'}
          {budget.reached.length > 0
            ? ` (reached: ${budget.reached.map((t) => formatPercent(t / 100)).join(', ')})`
            : ''}
        </Text>
        <Button
          size="xs"
          variant="subtle"
          w="fit-content"
          px={0}
          onClick={() => setChart((c) => !c)}
          aria-expanded={chart}
          aria-controls={chartId}
        >
          {chart ? 'Hide usage' : 'Show usage'}
        </Button>
        <div id={chartId}>{chart && <UsageChart budget={budget} />}</div>
      </Stack>
      {editing && <BudgetModal budget={budget} opened onClose={() => setEditing(false)} />}
      {deleting && <DeleteModal budget={budget} opened onClose={() => setDeleting(false)} />}
    </Card>
  );
}

/** Tenant Management → Budgets (docs/product.md, Budgets). */
export default function BudgetsPage() {
  const budgets = useBudgets();
  const [creating, setCreating] = useState(false);
  const items = budgets.data?.items ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={1} size="h2">
            Budgets
          </Title>
          <Text size="sm" c="dimmed">
            Caps on the credits of one opening, department or recruiter, with alerts as they fill.
          </Text>
        </div>
        <Button onClick={() => setCreating(true)} data-testid="budget-new">
          New budget
        </Button>
      </Group>
      <QueryStates
        query={budgets}
        placeholders={2}
        rowHeight={160}
        isEmpty={items.length === 0}
        empty={
          <Empty
            title="No budgets yet"
            description="Set one to cap what an opening, a department or a recruiter may use."
          />
        }
      >
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {items.map((b) => (
            <BudgetCard key={b.budgetId} budget={b} />
          ))}
        </SimpleGrid>
      </QueryStates>
      {creating && <BudgetModal opened onClose={() => setCreating(false)} />}
    </Stack>
  );
}
