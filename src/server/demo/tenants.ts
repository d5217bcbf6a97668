import type { Role } from '../../shared/contract/users.js';
import type { PlanInput } from '../tenants/create.js';

/** The one password of every demo login (printed by `npm start` and `demo load`). */
export const DEMO_PASSWORD = 'meterline-demo';
export const DEMO_API_KEY_NAME = 'demo engine';

export interface DemoUser {
  email: string;
  name: string;
  role: Role;
}

export interface DemoTenantSpec {
  slug: string;
  name: string;
  timeZone: string;
  /** The billing anchor is the 1st of the month this many months before `now`'s month. */
  historyMonths: number;
  plan: PlanInput;
  /** Interviews in an average month of the first year, at scale 1 (before seasonality). */
  interviewsPerMonth: number;
  growthPerYear: number;
  /** Job titles of the openings, in the order they open over the history. */
  openings: readonly string[];
  /** How many months an opening takes invitations: [shortest, longest]. */
  openingMonths: readonly [number, number];
  /** Practice runs by the tenant's staff per opening: [fewest, most]. */
  simulationsPerOpening: readonly [number, number];
  /** A purchase of extra credits in the December before the latest finished January-March peak. */
  purchase?: { credits: number };
  users: readonly DemoUser[];
  /** Who runs the openings, sent on every event as its attribution (docs/product.md, Attribution). */
  teams?: DemoTeams;
}

export interface DemoTeams {
  /** Opening k is run by recruiter k mod n and based at location k mod m. */
  recruiters: readonly { id: string; name: string }[];
  locations: readonly string[];
  /** An opening's department: the first entry whose words appear in its job title. */
  departments: readonly [department: string, words: readonly string[]][];
}

/**
 * Acme Talent: a growing US company with three years of seasonal hiring. Its monthly plan is
 * tight in the peaks (usage passes the allotment; the rollover, a purchase and overage cover it)
 * and loose in the summer and December (credits roll over, capped at a quarter).
 */
export const ACME: DemoTenantSpec = {
  slug: 'acme',
  name: 'Acme Talent',
  timeZone: 'America/New_York',
  historyMonths: 36,
  plan: {
    name: 'Scale (monthly)',
    periodUnit: 'month',
    allotmentMilli: 1_200_000,
    rolloverMode: 'capped',
    rolloverCapPercent: 25,
    rolloverExpiresAfterPeriods: 1,
    overageMode: 'allow',
    overageLimitMilli: 300_000,
    creditPriceCents: 400,
    currency: 'USD',
    purchaseValidityMonths: 12,
  },
  interviewsPerMonth: 745,
  growthPerYear: 0.2,
  openings: [
    'Senior Backend Engineer',
    'Customer Success Manager',
    'Account Executive',
    'Data Analyst',
    'Frontend Engineer',
    'Sales Development Representative',
    'Product Designer',
    'Customer Support Specialist',
    'DevOps Engineer',
    'Financial Analyst',
    'Marketing Coordinator',
    'Sales Development Representative',
    'Senior Product Manager',
    'Recruiting Coordinator',
    'QA Engineer',
    'Account Executive',
    'Data Scientist',
    'Payroll Specialist',
    'Customer Support Specialist',
    'Site Reliability Engineer',
    'Technical Writer',
    'Solutions Engineer',
    'HR Business Partner',
    'Mobile Engineer (iOS)',
    'Sales Development Representative',
    'Senior Backend Engineer',
    'Content Marketing Manager',
    'Engineering Manager',
    'Customer Success Manager',
    'Machine Learning Engineer',
    'Office Manager',
    'Security Engineer',
    'Account Executive',
    'Business Operations Analyst',
    'Customer Support Specialist',
    'Staff Frontend Engineer',
    'Implementation Consultant',
    'Revenue Operations Manager',
  ],
  openingMonths: [3, 6],
  simulationsPerOpening: [2, 5],
  purchase: { credits: 500 },
  users: [
    { email: 'admin@acme.test', name: 'Dana Whitfield', role: 'account_admin' },
    { email: 'recruiter@acme.test', name: 'Ravi Patel', role: 'recruiter' },
    { email: 'viewer@acme.test', name: 'Morgan Lee', role: 'viewer' },
  ],
  teams: {
    recruiters: [
      { id: 'rec-ravi', name: 'Ravi Patel' },
      { id: 'rec-jo', name: 'Jo Alvarez' },
      { id: 'rec-sam', name: 'Sam Okafor' },
      { id: 'rec-lena', name: 'Lena Fischer' },
    ],
    locations: ['New York', 'Austin', 'Remote', 'New York', 'Remote'],
    departments: [
      ['Customer Success', ['Customer']],
      ['Sales', ['Sales', 'Account', 'Solutions', 'Revenue', 'Implementation']],
      ['Product', ['Product', 'Designer']],
      ['Marketing', ['Marketing']],
      ['People', ['Recruiting', 'HR']],
      ['Finance & Operations', ['Financial', 'Payroll', 'Business Operations', 'Office']],
      ['Engineering', ['Engineer', 'Developer', 'Data', 'Writer']],
    ],
  },
};

/** Globex Hiring: a smaller German company on a yearly plan that blocks at zero. */
export const GLOBEX: DemoTenantSpec = {
  slug: 'globex',
  name: 'Globex Hiring',
  timeZone: 'Europe/Berlin',
  historyMonths: 24,
  plan: {
    name: 'Team (yearly)',
    periodUnit: 'year',
    allotmentMilli: 2_400_000,
    rolloverMode: 'none',
    overageMode: 'block',
    creditPriceCents: 450,
    currency: 'EUR',
    purchaseValidityMonths: 12,
  },
  interviewsPerMonth: 165,
  growthPerYear: 0.1,
  openings: [
    'Werkstudent Vertrieb (m/w/d)',
    'Backend Developer (Java)',
    'Sachbearbeiter Buchhaltung (m/w/d)',
    'Key Account Manager DACH',
    'IT Support Specialist',
    'Projektmanager (m/w/d)',
    'Backend Developer (Java)',
    'Customer Service Agent (EN/DE)',
  ],
  openingMonths: [5, 9],
  simulationsPerOpening: [2, 4],
  users: [{ email: 'admin@globex.test', name: 'Katrin Vogel', role: 'account_admin' }],
};

export const DEMO_TENANTS: readonly DemoTenantSpec[] = [ACME, GLOBEX];

/** The demo logins, as `npm start` and `demo load` print them. */
export const DEMO_LOGINS: readonly { email: string; role: Role; tenant: string }[] = DEMO_TENANTS.flatMap(
  (t) => t.users.map((u) => ({ email: u.email, role: u.role, tenant: t.name })),
);
