import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  type AnswerOf,
  type Backtest as BacktestSchema,
  getForecast,
  getPlan,
  HORIZON_MONTHS,
  type Json,
} from '../../shared/contract/index';
import { useUsageFilter } from '../lib/usageFilter';
import { call } from './client';

export type { ModelName } from '../../shared/contract/index';

/** GET /consumption/forecast and /consumption/plan, as the Forecast view reads them. */
export type Forecast = AnswerOf<typeof getForecast>;
export type Backtest = Json<typeof BacktestSchema>;
/** A model the backtest scored on the tenant's history. */
export type Candidate = Forecast['model']['candidates'][number];

/** What the planner asks: every value but the completion rate (the tenant's observed one when absent). */
export type PlanParams = Required<Omit<NonNullable<Json<typeof getPlan.query>>, 'completion'>> & {
  completion?: number;
};

export function useForecast() {
  const filter = useUsageFilter();
  return useQuery({
    queryKey: ['consumption', 'forecast', filter],
    queryFn: ({ signal }) => call(getForecast, { query: { months: HORIZON_MONTHS, ...filter }, signal }),
  });
}

export function usePlan(params: PlanParams | undefined) {
  return useQuery({
    queryKey: ['consumption', 'plan', params],
    queryFn: ({ signal }) => call(getPlan, { query: { ...params }, signal }),
    enabled: params !== undefined,
    placeholderData: keepPreviousData,
  });
}
