import { describe, expect, it } from 'vitest';
import { auditActionLabel, auditActor, describeAudit } from './audit';

describe('describeAudit', () => {
  it('writes each known action as a sentence', () => {
    expect(describeAudit('credits.purchased', { credits: 12.5, totalCents: 5000, currency: 'USD' })).toBe(
      'Bought 12.5 credits for $50.00.',
    );
    expect(
      describeAudit('charge.reversed', {
        interviewId: 'iv-1',
        credits: 1,
        reason: 'technical failure',
        state: 'partially_completed',
      }),
    ).toBe('Gave back 1 credit charged for interview iv-1 (partially completed): “technical failure”.');
    expect(
      describeAudit('user.role_changed', { email: 'a@b.test', from: 'recruiter', to: 'account_admin' }),
    ).toBe('Changed a@b.test from Recruiter to Account Admin.');
    expect(describeAudit('alerts.settings_changed', { thresholds: [25, 10, 0], webhookUrl: null })).toBe(
      'Set credit alerts at 25%, 10% and 0% of the allotment left; no webhook.',
    );
    expect(describeAudit('opening.status_changed', { openingId: 'op-7', status: 'open' })).toBe(
      'Reopened the opening op-7.',
    );
    expect(
      describeAudit('usage.exported', {
        from: '2026-01-01',
        to: '2026-03-31',
        format: 'xlsx',
        rows: 1200,
        status: 'aborted',
      }),
    ).toBe('Started exporting usage for 1 Jan – 31 Mar 2026 as Excel; it was cancelled after 1,200 rows.');
  });

  it("writes an export's filters in words, the recruiter by name when the page has it", () => {
    const exported = {
      from: '2025-01-01',
      to: '2025-12-31',
      filter: { recruiterId: 'rec-jo', department: 'Sales', location: 'Berlin', 'tag.team': 'Platform' },
      format: 'csv',
      rows: 342,
      status: 'completed',
    };
    const names = { recruiter: (id: string) => (id === 'rec-jo' ? 'Jo Alvarez' : undefined) };
    expect(describeAudit('usage.exported', exported, names)).toBe(
      'Exported usage for 1 Jan – 31 Dec 2025, filtered to recruiter Jo Alvarez, department Sales, location Berlin and tag team Platform, as CSV: 342 rows.',
    );
    expect(describeAudit('usage.exported', { ...exported, filter: { recruiterId: 'rec-jo' } })).toBe(
      'Exported usage for 1 Jan – 31 Dec 2025, filtered to recruiter rec-jo, as CSV: 342 rows.',
    );
    expect(describeAudit('usage.exported', { ...exported, filter: undefined })).toBe(
      'Exported usage for 1 Jan – 31 Dec 2025 as CSV: 342 rows.',
    );
    // A filter it cannot read is not dropped: the row lists the details as they are.
    expect(describeAudit('usage.exported', { ...exported, filter: { 'tag.': 'x' } })).toContain(
      'Filter: Tag. x',
    );
  });

  it('writes the budget actions as sentences', () => {
    const budget = {
      budgetId: 'b-1',
      scope: { kind: 'opening', value: 'op-7' },
      credits: 20,
      window: 'billing_period',
      onExhausted: 'block',
      thresholds: [80, 100],
    };
    expect(describeAudit('budget.created', budget)).toBe(
      'Set a budget on opening op-7: 20 credits per billing period, blocking new interviews when used up.',
    );
    expect(describeAudit('budget.updated', { ...budget, window: 'month', onExhausted: 'alert' })).toBe(
      'Changed the budget on opening op-7 to 20 credits per calendar month, alerting when used up.',
    );
    expect(describeAudit('budget.deleted', budget)).toBe('Removed the budget of 20 credits on opening op-7.');
    expect(
      describeAudit('budget.threshold_reached', {
        budgetId: 'b-1',
        scope: { kind: 'department', value: 'Sales' },
        thresholdPercent: 80,
        used: 16.5,
        credits: 20,
      }),
    ).toBe('The budget on department Sales reached 80%: 16.5 of 20 credits used.');
  });

  it('tells sign-ins and their settings', () => {
    expect(describeAudit('auth.login', { userId: 'u', method: 'sso' })).toBe(
      'Signed in with single sign-on.',
    );
    expect(describeAudit('auth.login', { userId: 'u', address: '1.2.3.4' })).toBe('Signed in.');
    expect(describeAudit('console_link.created', { email: 'ada@acme.test', role: 'account_admin' })).toBe(
      'Made a one-time console link for ada@acme.test as Account Admin.',
    );
    expect(
      describeAudit('sso.settings_changed', { issuer: 'https://login.acme.test', passwordLogin: false }),
    ).toBe('Set single sign-on with https://login.acme.test; passwords turned off.');
  });

  it('lists the fields of an action it does not know, or of details a sentence cannot use, without JSON', () => {
    expect(
      describeAudit('auth.login_throttled', { email: 'a@b.test', retryAfterSeconds: 900, ips: ['1', '2'] }),
    ).toBe('Email: a@b.test · Retry after seconds: 900 · Ips: 1, 2');
    expect(describeAudit('credits.purchased', { purchaseId: 'p-1' })).toBe('Purchase id: p-1');
    expect(describeAudit('alerts.webhook_secret_rotated', {})).toContain('signing secret');
    expect(describeAudit('something.else', {})).toBe('—');
  });
});

describe('auditActor and auditActionLabel', () => {
  it('names people and programs for people', () => {
    expect(auditActor('user:ada@acme.test', 'Ada Admin')).toEqual({
      name: 'Ada Admin',
      kind: 'ada@acme.test',
    });
    expect(auditActor('user:gone@acme.test', null)).toEqual({ name: 'gone@acme.test', kind: 'User' });
    expect(auditActor('api_key:3f2a', 'Interview engine')).toEqual({
      name: '“Interview engine”',
      kind: 'API key',
    });
    expect(auditActor('cli', null)).toEqual({ name: 'An operator', kind: 'Command line' });
    expect(auditActionLabel('usage.exported')).toBe('Usage exported');
    expect(auditActionLabel('auth.login_failed')).toBe('Auth login failed');
  });
});
