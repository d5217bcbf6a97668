import { Alert, Button, Group, Modal, Progress, SegmentedControl, Stack, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import {
  type DownloadedExport,
  downloadExport,
  type ExportFormat,
  type ExportProgress,
  saveFile,
} from '../api/export';
import type { Summary } from '../api/types';
import { formatDateRange, formatNumber, localDateOf } from '../lib/format';
import { billingPeriods, type LocalRange, type PresetKey, presetRange } from '../lib/ranges';
import { useUsageFilter } from '../lib/usageFilter';
import { AlertIcon, DownloadIcon } from './icons';
import { PeriodPicker } from './PeriodPicker';
import { errorMessage } from './States';

const formatBytes = (n: number) =>
  n < 1024 * 1024 ? `${formatNumber(Math.ceil(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * Export → range (the page's presets or a custom range) → format → download. The file streams in
 * with its progress shown (bytes, and rows for CSV), then the browser saves it.
 */
export function ExportDialog({
  summary,
  preset: pagePreset,
  range: pageRange,
}: {
  /** The current billing period's summary (for the period presets). */
  summary: Summary | undefined;
  preset: PresetKey;
  range: LocalRange | undefined;
}) {
  const [opened, setOpened] = useState(false);
  // The page's filters apply to the file too (docs/product.md, Export).
  const filter = useUsageFilter();
  const [preset, setPreset] = useState<PresetKey>(pagePreset);
  const [custom, setCustom] = useState<Partial<LocalRange>>({});
  const [format, setFormat] = useState<ExportFormat>('xlsx');
  const [progress, setProgress] = useState<ExportProgress | undefined>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<DownloadedExport | undefined>();
  const abort = useRef<AbortController | undefined>(undefined);
  const range = presetRange(preset, {
    today: localDateOf(new Date()),
    periods: billingPeriods(summary),
    custom,
  });
  const busy = progress !== undefined;

  const open = () => {
    setPreset(pagePreset);
    setCustom(pageRange ?? {});
    setError(undefined);
    setDone(undefined);
    setOpened(true);
  };
  const close = () => {
    abort.current?.abort();
    setOpened(false);
  };

  async function start() {
    if (!range) return;
    const controller = new AbortController();
    abort.current = controller;
    setError(undefined);
    setDone(undefined);
    setProgress({ bytes: 0 });
    try {
      const file = await downloadExport(
        { ...range, ...filter, format },
        { signal: controller.signal, onProgress: setProgress },
      );
      saveFile(file.blob, file.fileName);
      setDone(file);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setError(err);
    } finally {
      setProgress(undefined);
      abort.current = undefined;
    }
  }

  return (
    <>
      <Button variant="default" leftSection={<DownloadIcon />} onClick={open} data-testid="export-open">
        Export
      </Button>
      <Modal opened={opened} onClose={close} title="Export usage" size="lg" centered>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            One row per date, opening, recruiter, department and location with activity: date, opening, job
            title, recruiter, department, location, candidate count, credits used and the status breakdown.
            Interviews without recruiter, department and location share one row with those left blank. The
            Excel file adds a sheet with the totals of the range, equal to this page’s.
          </Text>
          <PeriodPicker
            preset={preset}
            range={preset === 'custom' ? { from: custom.from ?? '', to: custom.to ?? '' } : range}
            onPreset={(p) => {
              if (p === 'custom' && range) setCustom(range);
              setPreset(p);
            }}
            onCustom={(from, to) => setCustom({ from, to })}
          />
          <Text size="sm" data-testid="export-range">
            {range ? formatDateRange(range.from, range.to) : 'Pick the first and last day of the range.'}
          </Text>
          {Object.keys(filter).length > 0 && (
            <Text size="sm" data-testid="export-filters">
              Only the interviews matching:{' '}
              {Object.entries(filter)
                .map(([k, v]) => `${k} = ${v}`)
                .join(', ')}
            </Text>
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500} id="export-format-label">
              Format
            </Text>
            <SegmentedControl
              aria-labelledby="export-format-label"
              value={format}
              onChange={(v) => setFormat(v as ExportFormat)}
              data={[
                { value: 'xlsx', label: 'Excel (.xlsx)' },
                { value: 'csv', label: 'CSV' },
              ]}
              disabled={busy}
            />
          </Stack>
          {busy && (
            <Stack gap={4} data-testid="export-progress">
              <Progress value={100} animated striped aria-label="Downloading" />
              <Text size="sm" c="dimmed" aria-live="polite">
                Downloading… {formatBytes(progress.bytes)}
                {progress.rows !== undefined ? ` · ${formatNumber(progress.rows)} rows` : ''}
              </Text>
            </Stack>
          )}
          {error !== undefined && (
            <Alert color="red" icon={<AlertIcon />} title="The export failed" data-testid="export-error">
              {errorMessage(error)}
            </Alert>
          )}
          {done && (
            <Alert color="teal" title="Downloaded" data-testid="export-done">
              {done.fileName} · {formatBytes(done.bytes)}
              {done.rows !== undefined ? ` · ${formatNumber(done.rows)} rows` : ''}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={busy ? () => abort.current?.abort() : close}>
              {busy ? 'Cancel' : 'Close'}
            </Button>
            <Button
              leftSection={<DownloadIcon />}
              onClick={start}
              loading={busy}
              disabled={!range}
              data-testid="export-download"
            >
              Download
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
