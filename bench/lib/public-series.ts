import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addMonthsClamped } from '../../src/shared/calendar.js';
import type { MonthlySeries } from './series.js';

/**
 * Real public monthly series, from the data files the `vega-datasets` package ships (Vega's
 * example data, BSD-3-Clause): US unemployment by industry 2000–2010 (14 series, strongly
 * seasonal, with the 2008 recession), US employment by sector 2006–2015 (22), the Mauna Loa CO₂
 * record cut into 15-year spans (4), five stock prices and the S&P 500 2000–2010 (6), monthly
 * precipitation and mean daily high in Seattle and New York 2012–2015 (4), and wildlife strikes
 * on aircraft per month 1990–2002 (1). A series longer than the history plus the held-out months
 * keeps its latest part, as a tenant's window would.
 */
const dataDir = join(dirname(fileURLToPath(import.meta.resolve('vega-datasets'))), '..', 'data');
const read = (file: string) => readFileSync(join(dataDir, file), 'utf8');
const csv = (file: string) =>
  read(file)
    .trim()
    .split('\n')
    .map((line) => line.split(','));

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Sums (or averages) values by calendar month, in month order, filling months without rows with 0. */
function byMonth(rows: [string, number][], how: 'sum' | 'mean'): { firstMonth: string; values: number[] } {
  const sums = new Map<string, { total: number; n: number }>();
  for (const [month, value] of rows) {
    const s = sums.get(month) ?? { total: 0, n: 0 };
    s.total += value;
    s.n += 1;
    sums.set(month, s);
  }
  const months = [...sums.keys()].sort();
  const first = months[0] as string;
  const last = months[months.length - 1] as string;
  const values: number[] = [];
  for (let m = first; m <= last; m = addMonthsClamped(m, 1)) {
    const s = sums.get(m);
    values.push(s ? (how === 'sum' ? s.total : s.total / s.n) : 0);
  }
  return { firstMonth: first, values };
}

function series(name: string, firstMonth: string, values: number[]): MonthlySeries {
  return { name, shape: 'public', source: 'vega-datasets', firstMonth, values };
}

function unemployment(): MonthlySeries[] {
  const rows = JSON.parse(read('unemployment-across-industries.json')) as {
    series: string;
    year: number;
    month: number;
    count: number;
  }[];
  const names = [...new Set(rows.map((r) => r.series))];
  return names.map((n) => {
    const { firstMonth, values } = byMonth(
      rows
        .filter((r) => r.series === n)
        .map((r) => [`${r.year}-${String(r.month).padStart(2, '0')}-01`, r.count] as [string, number]),
      'sum',
    );
    return series(`unemployment: ${n}`, firstMonth, values);
  });
}

function employment(): MonthlySeries[] {
  const [header, ...rows] = csv('us-employment.csv');
  const columns = (header ?? []).slice(1).filter((c) => c !== 'nonfarm_change');
  return columns.map((column) => {
    const i = (header ?? []).indexOf(column);
    return series(
      `employment: ${column}`,
      rows[0]?.[0] as string,
      rows.map((r) => Number(r[i])),
    );
  });
}

function co2(spanMonths: number): MonthlySeries[] {
  const [, ...rows] = csv('co2-concentration.csv');
  const out: MonthlySeries[] = [];
  for (let end = rows.length; end - spanMonths >= 0; end -= spanMonths) {
    const span = rows.slice(end - spanMonths, end);
    out.push(
      series(
        `CO₂ ${span[0]?.[0]?.slice(0, 4)}–${span[span.length - 1]?.[0]?.slice(0, 4)}`,
        span[0]?.[0] as string,
        span.map((r) => Number(r[1])),
      ),
    );
  }
  return out;
}

/** 'Jan 1 2000' → '2000-01-01' */
const monthOf = (date: string) => {
  const [mon, , year] = date.split(' ');
  return `${year}-${String(MONTH_NAMES.indexOf(mon as string) + 1).padStart(2, '0')}-01`;
};

function stocks(): MonthlySeries[] {
  const [, ...rows] = csv('stocks.csv');
  const symbols = [...new Set(rows.map((r) => r[0] as string))];
  const out = symbols.map((symbol) => {
    const own = rows.filter((r) => r[0] === symbol);
    return series(
      `stock: ${symbol}`,
      monthOf(own[0]?.[1] as string),
      own.map((r) => Number(r[2])),
    );
  });
  const [, ...sp] = csv('sp500.csv');
  out.push(
    series(
      'stock: S&P 500',
      monthOf(sp[0]?.[0] as string),
      sp.map((r) => Number(r[1])),
    ),
  );
  return out;
}

function weather(): MonthlySeries[] {
  const [, ...rows] = csv('weather.csv');
  const out: MonthlySeries[] = [];
  for (const place of ['Seattle', 'New York']) {
    const own = rows.filter((r) => r[0] === place);
    const rain = byMonth(
      own.map((r) => [`${(r[1] as string).slice(0, 7)}-01`, Number(r[2])]),
      'sum',
    );
    const high = byMonth(
      own.map((r) => [`${(r[1] as string).slice(0, 7)}-01`, Number(r[3])]),
      'mean',
    );
    out.push(series(`${place}: precipitation`, rain.firstMonth, rain.values));
    out.push(series(`${place}: mean daily high`, high.firstMonth, high.values));
  }
  return out;
}

function birdStrikes(): MonthlySeries[] {
  const [, ...rows] = csv('birdstrikes.csv');
  const { firstMonth, values } = byMonth(
    rows.map((r) => [`${(r[3] as string).slice(0, 7)}-01`, 1]),
    'sum',
  );
  return [series('wildlife strikes', firstMonth, values)];
}

/** Every public series with at least `minMonths` months, each cut to its latest `maxMonths`. */
export function publicSeries(minMonths: number, maxMonths: number): MonthlySeries[] {
  return [...unemployment(), ...employment(), ...co2(180), ...stocks(), ...weather(), ...birdStrikes()]
    .filter((s) => s.values.length >= minMonths && s.values.every((v) => Number.isFinite(v) && v >= 0))
    .map((s) => {
      const cut = Math.max(0, s.values.length - maxMonths);
      return { ...s, firstMonth: addMonthsClamped(s.firstMonth, cut), values: s.values.slice(cut) };
    });
}
