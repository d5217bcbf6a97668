import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client';

/** GET /consumption/forecast and /consumption/plan, as the Forecast view reads them. */
export type ModelName = 'holt-winters' | 'holt' | 'seasonal-naive' | 'naive' | 'recent-rate' | 'none';

/** A model the backtest scored on the tenant's history. */
export interface Candidate {
  name: string;
  backtestMape: number | null;
  backtestErrorCredits: number;
  served: boolean;
}

export interface ForecastMonth {
  month: string;
  credits: number;
  lower: number;
  upper: number;
}

export interface Backtest {
  model: ModelName;
  candidate: string;
  heldOutMonths: number;
  origins: number;
  horizonMonths: number;
  mape: number | null;
  naiveLastMonthMape: number | null;
  naiveLastYearMape: number | null;
  errorCredits: number;
  naiveLastMonthErrorCredits: number;
  naiveLastYearErrorCredits: number | null;
  band: { closedFormCoverage: number; coverage: number; widenedBy: number };
  points: {
    month: string;
    actual: number;
    forecast: number;
    naiveLastMonth: number;
    naiveLastYear: number | null;
  }[];
}

export interface Forecast {
  today: string;
  months: ForecastMonth[];
  currentMonthSoFar: number;
  history: { month: string; credits: number }[];
  model: { name: ModelName; candidate: string | null; reason: string; band: string; candidates: Candidate[] };
  backtest: Backtest | null;
  completionRate: number | null;
  runway: {
    date: string | null;
    early: string | null;
    late: string | null;
    horizonEnd: string;
    summary: string;
    balance: number;
    openInvitations: number;
    expectedFromInvitations: number;
    expiringUnused: number;
  };
  endOfPeriod: {
    periodStart: string;
    periodEnd: string;
    allotment: number;
    usedSoFar: number;
    projected: number;
    lower: number;
    upper: number;
    expiringUnused: number;
    rollingOver: number;
  };
}

export interface PlanParams {
  roles: number;
  candidates: number;
  /** 0..1; undefined: the tenant's observed rate. */
  completion?: number;
  months: number;
  buffer: number;
}

export interface Plan extends PlanParams {
  completion: number;
  completionSource: 'given' | 'observed' | 'default';
  interviews: number;
  credits: number;
  creditsWithBuffer: number;
  balance: number;
  granted: number;
  rollingOver: number;
  expiring: number;
  toBuy: number;
}

export function useForecast() {
  return useQuery({
    queryKey: ['consumption', 'forecast'],
    queryFn: ({ signal }) => api<Forecast>('/consumption/forecast', { query: { months: 12 }, signal }),
  });
}

export function usePlan(params: PlanParams | undefined) {
  return useQuery({
    queryKey: ['consumption', 'plan', params],
    queryFn: ({ signal }) => api<Plan>('/consumption/plan', { query: { ...params }, signal }),
    enabled: params !== undefined,
    placeholderData: keepPreviousData,
  });
}
