/** The API's answers as the console reads them (see /api/docs for the full documents). */
import type { ApiKeyScope } from '../../shared/api-key-scopes';

export type Role = 'account_admin' | 'recruiter' | 'viewer';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
}

export interface Session {
  user: SessionUser;
  tenant: Tenant;
  csrfToken: string;
}

export interface Figures {
  totalInterviews: number;
  creditsUsed: number;
  completed: number;
  partiallyCompleted: number;
  invited: number;
  simulations: number;
}

export interface Summary extends Figures {
  periodStart: string;
  periodEnd: string;
  remainingBalance: number;
  allotment: number;
  previous: Figures & {
    periodStart: string;
    periodEnd: string;
    /** While the range is in progress: the same number of days from the previous range's start. */
    toDate: (Figures & { periodStart: string; periodEnd: string }) | null;
  };
}

export interface Counts {
  invited: number;
  started: number;
  completed: number;
  partiallyCompleted: number;
  expired: number;
  cancelled: number;
  simulations: number;
  creditsUsed: number;
}

export type OpeningSort =
  | 'jobTitle'
  | 'invited'
  | 'completed'
  | 'partiallyCompleted'
  | 'simulations'
  | 'creditsUsed';

export interface OpeningRow extends Counts {
  openingId: string;
  jobTitle: string;
  status: string;
  share: number;
}

export interface OpeningsPage {
  periodStart: string;
  periodEnd: string;
  items: OpeningRow[];
  totals: Counts & { totalInterviews: number };
  page: number;
  pageSize: number;
  total: number;
}

export type Granularity = 'day' | 'week' | 'month';

export interface TimeseriesPoint extends Counts {
  start: string;
  interviews: number;
}

export interface Timeseries {
  granularity: Granularity;
  periodStart: string;
  periodEnd: string;
  points: TimeseriesPoint[];
}

export interface YearOverYear {
  year: number;
  months: {
    month: number;
    thisYear: { interviews: number; creditsUsed: number };
    lastYear: { interviews: number; creditsUsed: number };
  }[];
}

export interface InterviewRow {
  interviewId: string;
  candidateId: string | null;
  state: string;
  isSimulation: boolean;
  invitedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  completion: number;
  credits: number;
  rule: string | null;
  ruleVersion: number | null;
  reversedAt: string | null;
  reversalReason: string | null;
}

export interface OpeningInterviews {
  openingId: string;
  jobTitle: string;
  openingStatus: 'open' | 'closed';
  periodStart: string;
  periodEnd: string;
  items: InterviewRow[];
  page: number;
  pageSize: number;
  total: number;
}

export interface Lot {
  id: string;
  kind: string;
  amount: number;
  remaining: number;
  grantedAt: string;
  expiresAt: string | null;
}

/** The plan's terms; shown when the API sends them (see the report: /credits/balance `plan`). */
export interface PlanTerms {
  name: string;
  periodUnit: 'month' | 'year';
  allotment: number;
  rollover: {
    mode: 'none' | 'all' | 'capped';
    cap: number | null;
    capPercent: number | null;
    expiresAfterPeriods: number | null;
  };
  partialRule: { version: number; tiers: { minCompletion: number; credits: number }[] };
  creditPriceCents: number;
  currency: string;
  purchaseValidityMonths: number;
  /** The most credits one purchase may buy. */
  purchaseLimit: number;
}

export interface Balance {
  balance: number;
  overage: number;
  overageMode: 'allow' | 'block';
  overageLimit: number;
  period: { start: string; end: string; allotment: number } | null;
  lots: Lot[];
  plan: PlanTerms;
}

export interface LedgerEntry {
  id: number;
  kind: string;
  credits: number;
  lotId: string | null;
  interviewId: string | null;
  rule: string | null;
  ruleVersion: number | null;
  reason: string | null;
  reference: string | null;
  effectiveAt: string;
  createdAt: string;
  actor: string;
}

export interface LedgerPage {
  entries: LedgerEntry[];
  nextCursor: number | null;
}

export interface Receipt {
  purchaseId: string;
  credits: number;
  unitPriceCents: number;
  totalCents: number;
  currency: string;
  lotId: string;
  expiresAt: string;
  balance: number;
  createdAt: string;
}

export interface UserListItem extends SessionUser {
  active: boolean;
  createdAt: string;
}

export interface ApiKeyListItem {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A new key: `key` is the whole key, in this answer alone. */
export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  key: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  /** 'user:<email>', 'api_key:<key id>', 'cli', 'system', … */
  actor: string;
  actorName: string | null;
  action: string;
  details: Record<string, unknown>;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}
