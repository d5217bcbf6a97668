import { describe, expect, it } from 'vitest';
import { scopeValueHint } from './budgetScope';

const known = {
  recruiters: [
    { id: 'rec-jo', name: 'Jo Alvarez' },
    { id: 'rec-x', name: null },
  ],
  departments: ['Engineering', 'Sales'],
};

describe('scopeValueHint', () => {
  it('offers the known values and warns of nothing for one of them', () => {
    expect(scopeValueHint('department', 'Sales', known)).toEqual({ options: ['Engineering', 'Sales'] });
    expect(scopeValueHint('recruiter', 'rec-jo', known)).toEqual({ options: ['rec-jo', 'rec-x'] });
    expect(scopeValueHint('opening', 'op-1', known)).toEqual({ options: [] });
  });

  it('warns of a name where the id belongs, another spelling, and a value no interview has', () => {
    expect(scopeValueHint('recruiter', 'Jo Alvarez', known).warning).toMatch(/recruiter’s id: rec-jo/);
    expect(scopeValueHint('department', 'sales', known).warning).toMatch(/“Sales”/);
    expect(scopeValueHint('department', 'Slaes', known).warning).toMatch(
      /No interview has named this department/,
    );
  });
});
