import { describe, expect, it } from 'vitest';
import { renderAlertEmail } from './render.js';

const ctx = {
  tenantName: 'Acme Talent',
  consoleUrl: 'https://meterline.example',
  unsubscribeUrl: 'https://meterline.example/unsubscribe?token=t',
};

describe('a budget alert by email', () => {
  it('says which budget reached which threshold, its usage, window and what it does when used up', () => {
    const email = renderAlertEmail(
      {
        type: 'budget.threshold_reached',
        createdAt: '2026-03-15T12:00:00.000Z',
        data: {
          budgetId: 'b-1',
          scope: { kind: 'opening', value: 'op-7' },
          window: 'month',
          windowStart: '2026-03-01',
          windowEnd: '2026-03-31',
          thresholdPercent: 80,
          percentUsed: 82.5,
          used: 16.5,
          credits: 20,
          onExhausted: 'block',
        },
      },
      ctx,
    );
    expect(email.subject).toBe('Acme Talent: the budget for opening op-7 reached 80%');
    expect(email.text).toContain('16.5 of its 20 credits are used (82.5%).');
    expect(email.text).toContain('Window: 2026-03-01 to 2026-03-31.');
    expect(email.text).toContain('new interviews in its scope are refused');
    expect(email.html).toContain('<p>Window: 2026-03-01 to 2026-03-31.</p>');
  });
});
