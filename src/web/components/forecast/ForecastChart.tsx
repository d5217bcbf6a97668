import { Box } from '@mantine/core';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Forecast } from '../../api/forecast';
import { formatBucket, formatCredits } from '../../lib/format';
import { BAND } from './band';

/** Months of history drawn before the projection. */
const HISTORY_MONTHS = 24;

interface Row {
  label: string;
  actual?: number;
  projected?: number;
  band?: [number, number];
}

const label = (month: string) => formatBucket(`${month}-01`, 'month');

/**
 * Credits used per month (solid) and the projection (dashed) with its 80% band (shaded), on one
 * axis. The projection starts from the last complete month, so the two lines meet. Recharts
 * directly: a range area (the band) is not one of Mantine's chart series.
 */
export default function ForecastChart({ forecast, aria }: { forecast: Forecast; aria: string }) {
  const history = forecast.history.slice(-HISTORY_MONTHS);
  const rows: Row[] = history.map((h) => ({ label: label(h.month), actual: h.credits }));
  const last = rows[rows.length - 1];
  if (last?.actual !== undefined) {
    last.projected = last.actual;
    last.band = [last.actual, last.actual];
  }
  for (const m of forecast.months) {
    rows.push({ label: label(m.month), projected: m.credits, band: [m.lower, m.upper] });
  }
  const first = forecast.months[0];
  return (
    <Box role="img" aria-label={aria} data-testid="forecast-chart" h={320}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--mantine-color-gray-3)" />
          <XAxis dataKey="label" minTickGap={24} fontSize={12} tickLine={false} />
          <YAxis fontSize={12} tickLine={false} axisLine={false} tickFormatter={formatCredits} width={56} />
          <Tooltip
            formatter={(value, name) =>
              Array.isArray(value)
                ? [`${formatCredits(Number(value[0]))} – ${formatCredits(Number(value[1]))}`, name]
                : [formatCredits(Number(value)), name]
            }
          />
          <Legend />
          <Area
            dataKey="band"
            name={BAND}
            stroke="none"
            fill="var(--mantine-color-indigo-2)"
            fillOpacity={0.7}
            isAnimationActive={false}
          />
          <Line
            dataKey="actual"
            name="Credits used"
            stroke="var(--mantine-color-teal-7)"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="projected"
            name="Projected"
            stroke="var(--mantine-color-indigo-7)"
            strokeWidth={2}
            strokeDasharray="6 4"
            dot={false}
            isAnimationActive={false}
          />
          {first && (
            <ReferenceLine
              x={label(first.month)}
              stroke="var(--mantine-color-gray-5)"
              label={{ value: 'Now', fontSize: 11, position: 'insideTopLeft' }}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </Box>
  );
}
