/**
 * The API's answers as the console reads them: each is the contract's schema as JSON
 * (src/shared/contract), so the console and the server cannot disagree on a shape.
 */
import type {
  AnswerOf,
  ApiKeyListItem as ApiKeyListItemSchema,
  AuditEntry as AuditEntrySchema,
  Balance as BalanceSchema,
  CreatedApiKey as CreatedApiKeySchema,
  getBreakdown,
  getTimeseries,
  getYearOverYear,
  InterviewRow as InterviewRowSchema,
  Json,
  LedgerEntry as LedgerEntrySchema,
  listOpeningInterviews,
  OpeningUsage,
  PlanTerms as PlanTermsSchema,
  Receipt as ReceiptSchema,
  Session as SessionSchema,
  Summary as SummarySchema,
  UserListItem as UserListItemSchema,
} from '../../shared/contract/index';

export type { Granularity, OpeningSort, Role } from '../../shared/contract/index';

export type Session = Json<typeof SessionSchema>;
export type Summary = Json<typeof SummarySchema>;
export type OpeningRow = Json<typeof OpeningUsage>;
export type TimeseriesPoint = AnswerOf<typeof getTimeseries>['points'][number];
export type YearOverYear = AnswerOf<typeof getYearOverYear>;
export type InterviewRow = Json<typeof InterviewRowSchema>;
export type OpeningInterviews = AnswerOf<typeof listOpeningInterviews>;
export type PlanTerms = Json<typeof PlanTermsSchema>;
export type Balance = Json<typeof BalanceSchema>;
export type LedgerEntry = Json<typeof LedgerEntrySchema>;
export type Receipt = Json<typeof ReceiptSchema>;
export type UserListItem = Json<typeof UserListItemSchema>;
export type ApiKeyListItem = Json<typeof ApiKeyListItemSchema>;
export type CreatedApiKey = Json<typeof CreatedApiKeySchema>;
export type AuditEntry = Json<typeof AuditEntrySchema>;
export type Breakdown = AnswerOf<typeof getBreakdown>;
