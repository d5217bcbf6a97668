import { z } from 'zod';
import { AttributeValue, DIMENSION_PATTERN, NO_ATTRIBUTE_LABEL } from '../attribution.js';
import { Credits, endpoint, Instant, LocalDate, Paging, QueryInt, RangeQuery } from './common.js';
import { OpeningIdParams, OpeningStatusSchema } from './openings.js';

/** The states an interview can be in (docs/product.md, Interview states). */
export const INTERVIEW_STATES = [
  'invited',
  'started',
  'completed',
  'partially_completed',
  'expired',
  'cancelled',
] as const;
export type InterviewState = (typeof INTERVIEW_STATES)[number];

/** What an opening's interviews can be filtered by: a state, or simulation runs. */
export const INTERVIEW_FILTERS = [...INTERVIEW_STATES, 'simulation'] as const;
export type InterviewFilter = (typeof INTERVIEW_FILTERS)[number];

/** The columns usage by opening can be sorted by. */
export const OPENING_SORTS = [
  'jobTitle',
  'invited',
  'completed',
  'partiallyCompleted',
  'simulations',
  'creditsUsed',
] as const;
export type OpeningSort = (typeof OPENING_SORTS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** The buckets of usage over time. */
export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The headline figures of a range (the summary cards). */
export const Figures = z.object({
  totalInterviews: z.number(),
  creditsUsed: Credits,
  completed: z.number(),
  partiallyCompleted: z.number(),
  invited: z.number(),
  simulations: z.number(),
});

/** What is counted per local day and opening (the rollups' counters), by what happened to interviews. */
export const USAGE_COUNTERS = [
  'invited',
  'started',
  'completed',
  'partiallyCompleted',
  'expired',
  'cancelled',
  'simulations',
] as const;
export type UsageCounter = (typeof USAGE_COUNTERS)[number];

/** Every count of a range, as the tables and charts show them. */
export const Counts = z.object({
  ...(Object.fromEntries(USAGE_COUNTERS.map((k) => [k, z.number()])) as Record<UsageCounter, z.ZodNumber>),
  creditsUsed: Credits,
});

const Range = { periodStart: LocalDate, periodEnd: LocalDate };

const readers = { session: ['account_admin'], apiKey: 'usage:read' } as const;
const RANGE_ERRORS = ['invalid_range', 'invalid_date', 'range_too_long'] as const;
const FILTERED_ERRORS = [...RANGE_ERRORS, 'invalid_filter'] as const;

/**
 * The filters on usage (docs/product.md, Filters): only the interviews holding every value given.
 * `tag.<key>=<value>` parameters filter by tag; they cannot be listed in a schema, so the object
 * lets unknown parameters through and the handler reads them (400 invalid_filter when malformed).
 */
export const FILTER_FIELDS = {
  recruiterId: AttributeValue.optional().describe('Only interviews of this recruiter'),
  department: AttributeValue.optional().describe('Only interviews of this department'),
  location: AttributeValue.optional().describe('Only interviews of this location'),
};
export const FILTER_DESCRIPTION =
  'Filters (all combine with AND): `recruiterId`, `department`, `location`, and `tag.<key>=<value>` for each tag (a key: 1 to 40 letters, digits, _ or -; at most 10).';

/** A range and the filters. */
export const FilteredRangeQuery = RangeQuery.extend(FILTER_FIELDS).loose();

export const Summary = z.object({
  ...Range,
  ...Figures.shape,
  remainingBalance: Credits,
  allotment: Credits,
  dataAsOf: z.iso
    .datetime()
    .describe(
      'The instant these figures are current as of: when read from the read replica, how far it had caught up with the primary; else the moment of reading',
    ),
  begun: z
    .boolean()
    .describe(
      "Whether the range has begun (its first day is today or earlier, in the tenant's time zone): one not begun is not set against the previous range",
    ),
  previous: z.object({
    ...Range,
    ...Figures.shape,
    toDate: z
      .object({ ...Range, ...Figures.shape })
      .nullable()
      .describe(
        'While the range is in progress: the same number of days from the start of the previous range',
      ),
  }),
});

export const getSummary = endpoint({
  method: 'GET',
  path: '/api/v1/consumption/summary',
  operationId: 'getConsumptionSummary',
  tag: 'consumption',
  summary: 'The summary cards: interviews, credits used, balance and allotment, with the previous range',
  description: `${FILTER_DESCRIPTION} With filters, the usage figures count the matching interviews; the balance and allotment stay the tenant's.`,
  access: readers,
  query: FilteredRangeQuery,
  responses: { 200: Summary },
  errors: FILTERED_ERRORS,
});

export const OpeningUsage = z.object({
  openingId: z.string(),
  jobTitle: z.string(),
  status: OpeningStatusSchema,
  ...Counts.shape,
  share: z.number().describe('This opening’s share of the credits used in the range, 0..1'),
});

export const listOpeningUsage = endpoint({
  method: 'GET',
  path: '/api/v1/consumption/openings',
  operationId: 'listOpeningUsage',
  tag: 'consumption',
  summary: 'Usage by opening: sortable, searchable, paginated, with totals',
  description: FILTER_DESCRIPTION,
  access: readers,
  query: FilteredRangeQuery.extend({
    q: z.string().trim().max(200).optional().describe('Part of a job title or opening id'),
    sort: z.enum(OPENING_SORTS).default('creditsUsed'),
    order: z.enum(SORT_ORDERS).default('desc'),
    page: QueryInt().min(1).default(1),
    pageSize: QueryInt().min(1).max(500).default(25),
  }),
  responses: {
    200: z.object({
      ...Range,
      items: z.array(OpeningUsage),
      totals: Counts.extend({ totalInterviews: z.number() }),
      ...Paging,
    }),
  },
  errors: FILTERED_ERRORS,
});

/**
 * A count of a bucket that may not have happened yet. A bucket whose days in the range all lie
 * after today (the tenant's local date) and hold nothing is null, not 0: a zero would read as a
 * collapse of usage, where there is simply no day yet (docs/product.md, Time series and comparisons).
 */
const NOT_YET =
  'null while every day of the bucket lies after today (tenant time zone) and nothing is recorded on them: not happened yet, not zero';
const LaterCount = z.number().nullable().describe(NOT_YET);

export const TimeseriesPoint = z.object({
  start: LocalDate.describe(
    "The bucket's first local date (a week's Monday, a month's first), maybe before the range",
  ),
  from: LocalDate.describe(
    "The first day the point counts: the bucket's start, or the range's when the range clips it",
  ),
  to: LocalDate.describe(
    "The last day the point counts: the bucket's last, or the range's when the range clips it",
  ),
  partial: z
    .boolean()
    .describe('True when the point counts part of its bucket: the range clips it, or it is in progress'),
  throughDay: LocalDate.nullable().describe(
    'While the bucket is in progress (today lies in it, before its last day): today, the last day gone by; else null',
  ),
  interviews: LaterCount,
  ...(Object.fromEntries(USAGE_COUNTERS.map((k) => [k, LaterCount])) as Record<
    UsageCounter,
    typeof LaterCount
  >),
  creditsUsed: Credits.nullable().describe(NOT_YET),
});

export const getTimeseries = endpoint({
  method: 'GET',
  path: '/api/v1/consumption/timeseries',
  operationId: 'getUsageTimeseries',
  tag: 'consumption',
  summary: 'Usage per day, week or month; every bucket present, empty ones as zero, ones not begun as null',
  description: `The points add up to the summary of the same range and filters. Buckets cut by the range or in progress are marked \`partial\` with the days they count. Daily points cover at most two years (else 400 range_too_long). ${FILTER_DESCRIPTION}`,
  access: readers,
  query: FilteredRangeQuery.extend({ granularity: z.enum(GRANULARITIES).default('day') }),
  responses: {
    200: z.object({
      granularity: z.enum(GRANULARITIES),
      ...Range,
      points: z.array(TimeseriesPoint),
    }),
  },
  errors: FILTERED_ERRORS,
});

/** A month's usage over the days periodStart … periodEnd. */
const MonthUsage = z.object({
  ...Range,
  interviews: z.number(),
  creditsUsed: Credits,
});

export const getYearOverYear = endpoint({
  method: 'GET',
  path: '/api/v1/consumption/year-over-year',
  operationId: 'getYearOverYear',
  tag: 'consumption',
  summary: 'Twelve months of a year against the same months of the year before, like for like',
  description: `The month in progress is set against the same days of last year's month (1–3 Dec against 1–3 Dec), as the summary cards compare a range in progress; months not begun are null. ${FILTER_DESCRIPTION}`,
  access: readers,
  query: z
    .object({
      year: QueryInt().min(2000).max(2100).optional().describe('The current year when absent'),
      ...FILTER_FIELDS,
    })
    .loose(),
  errors: ['invalid_filter'],
  responses: {
    200: z.object({
      year: z.number(),
      months: z.array(
        z.object({
          month: z.number(),
          throughDay: LocalDate.nullable().describe(
            'The month in progress (today in it, before its last day): today, the last day counted; null for a whole month or one not begun',
          ),
          thisYear: MonthUsage.nullable().describe(
            'The whole month (so far, while in progress); null for a month not begun (after today) with nothing recorded',
          ),
          lastYear: MonthUsage.nullable().describe(
            'The same month a year before; for the month in progress only its same first days (periodStart … periodEnd). null for a month not begun',
          ),
        }),
      ),
    }),
  },
});

/**
 * The figures of an opening's row of usage by opening that an interview can count in
 * (docs/product.md, The opening drawer).
 */
export const ROW_FIGURES = [
  'invited',
  'completed',
  'partiallyCompleted',
  'simulations',
  'creditsUsed',
] as const;
export type RowFigure = (typeof ROW_FIGURES)[number];

export const InterviewRow = z.object({
  interviewId: z.string(),
  candidateId: z.string().nullable(),
  state: z.enum(INTERVIEW_STATES),
  isSimulation: z.boolean(),
  invitedAt: Instant,
  startedAt: Instant.nullable(),
  finishedAt: Instant.nullable(),
  completion: z.number().describe('The share of the interview answered, 0..1'),
  credits: Credits,
  rule: z.string().nullable().describe('The rule that charged it'),
  ruleVersion: z.number().nullable(),
  reversedAt: Instant.nullable(),
  reversalReason: z.string().nullable(),
  countedIn: z
    .array(z.enum(ROW_FIGURES))
    .describe("The figures of the opening's row for the range this interview counts in"),
  creditsInRange: Credits.describe(
    'Credits it adds to the range: its charge, net of any reversal, when it finished in the range; else 0',
  ),
});

export const listOpeningInterviews = endpoint({
  method: 'GET',
  path: '/api/v1/openings/:openingId/interviews',
  operationId: 'listOpeningInterviews',
  tag: 'consumption',
  summary:
    "An opening's row of usage by opening, itemised: every interview that counts in it for the range, with totals equal to the row",
  description:
    'Lists the interviews invited, finished or charged in the range (local days of the tenant), newest invitation first (then highest interviewId), each with the figures it counts in (`countedIn`) and the credits it adds (`creditsInRange`). `totals` sum every listed interview, whatever the filters, and equal the opening’s row of `GET /api/v1/consumption/openings` for the same range. `countedIn` keeps those counted in one figure; `status` those in one state (or simulations). Page by `cursor` (keyset: a deep page costs what the first does; `total` and `page` are carried from the first page) or by `page` (every interview of the range is read to find it).',
  access: readers,
  params: OpeningIdParams,
  query: RangeQuery.extend({
    status: z.enum(INTERVIEW_FILTERS).optional(),
    countedIn: z.enum(ROW_FIGURES).optional().describe('Only the interviews counted in this figure'),
    cursor: z
      .string()
      .min(1)
      .max(400)
      .optional()
      .describe('The nextCursor of the page before, with the same query (else 400 invalid_cursor)'),
    page: QueryInt().min(1).optional().describe('A page by number (1 when neither it nor cursor is given)'),
    pageSize: QueryInt().min(1).max(500).default(50),
  }),
  responses: {
    200: z.object({
      openingId: z.string(),
      jobTitle: z.string(),
      openingStatus: OpeningStatusSchema,
      ...Range,
      totals: z
        .object({
          invited: z.number(),
          completed: z.number(),
          partiallyCompleted: z.number(),
          simulations: z.number(),
          creditsUsed: Credits,
        })
        .describe("The opening's figures for the range, summed from its interviews"),
      items: z.array(InterviewRow),
      ...Paging,
      nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last'),
    }),
  },
  errors: [...RANGE_ERRORS, 'not_found', 'invalid_cursor'],
});

export const BreakdownItem = z.object({
  key: z
    .string()
    .nullable()
    .describe(
      "The attribute's value: the recruiterId, the department, the location or the tag's value; null for usage without it",
    ),
  label: z
    .string()
    .describe(
      `What people read: a recruiter's latest name, else the value; "${NO_ATTRIBUTE_LABEL}" for null`,
    ),
  ...Counts.shape,
  share: z.number().describe('This item’s share of the credits used in the range, 0..1'),
});

export const getBreakdown = endpoint({
  method: 'GET',
  path: '/api/v1/consumption/breakdown',
  operationId: 'getUsageBreakdown',
  tag: 'consumption',
  summary: 'Usage by recruiter, department, location or a tag: who and what the credits were for',
  description: `Each item counts the interviews holding one value of the attribute (docs: Attribution), by the same days as the summary; interviews without it are one item with \`key: null\`. The items add up to \`totals\`, which equal the summary of the same range and filters. Sorted by credits used (most first), then label; \`limit\` items at most, \`total\` says how many there are. ${FILTER_DESCRIPTION}`,
  access: readers,
  query: FilteredRangeQuery.extend({
    by: z
      .string()
      .regex(DIMENSION_PATTERN, 'by must be recruiter, department, location or tag:<key>')
      .describe('recruiter, department, location, or tag:<key> (a tag key: 1 to 40 letters, digits, _ or -)'),
    limit: QueryInt().min(1).max(1000).default(100),
  }),
  responses: {
    200: z.object({
      by: z.string(),
      ...Range,
      items: z.array(BreakdownItem),
      totals: Counts.extend({ totalInterviews: z.number() }),
      total: z.number().describe('Items there are, before the limit'),
    }),
  },
  errors: FILTERED_ERRORS,
});

/** The most values the attribute listing gives per list. */
export const ATTRIBUTE_LIST_LIMIT = 1000;

export const listAttributes = endpoint({
  method: 'GET',
  path: '/api/v1/consumption/attributes',
  operationId: 'listUsageAttributes',
  tag: 'consumption',
  summary:
    "The tenant's recruiters, departments, locations and tag keys with their values: what usage can be cut and filtered by",
  description: `Every value some interview was attributed with (docs: Attribution, Filters), sorted; at most ${ATTRIBUTE_LIST_LIMIT} per list, \`truncated\` when a list was cut.`,
  access: readers,
  responses: {
    200: z.object({
      recruiters: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
      departments: z.array(z.string()),
      locations: z.array(z.string()),
      tags: z.array(z.object({ key: z.string(), values: z.array(z.string()) })),
      truncated: z.boolean(),
    }),
  },
});
