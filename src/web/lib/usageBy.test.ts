import { describe, expect, it } from 'vitest';
import { USAGE_BY, usageByChoices, usageByLabel, usageByOf } from './usageBy';

describe('the "Usage by" choice', () => {
  it('offers openings first, then recruiter, department and location', () => {
    expect(USAGE_BY.map((o) => o.label)).toEqual(['Opening', 'Recruiter', 'Department', 'Location']);
  });

  it('reads the URL parameter, and anything else as openings', () => {
    expect(usageByOf('department')).toBe('department');
    expect(usageByOf('recruiter')).toBe('recruiter');
    expect(usageByOf('location')).toBe('location');
    expect(usageByOf(null)).toBe('opening');
    expect(usageByOf('')).toBe('opening');
    expect(usageByOf('Department')).toBe('opening');
    expect(usageByOf('tag:team')).toBe('tag:team');
    expect(usageByOf('tag:')).toBe('opening');
    expect(usageByOf('tag:a b')).toBe('opening');
  });

  it('offers the tenant’s tag keys after the fixed choices', () => {
    expect(usageByChoices(['team']).map((o) => [o.value, o.label])).toEqual([
      ['opening', 'Opening'],
      ['recruiter', 'Recruiter'],
      ['department', 'Department'],
      ['location', 'Location'],
      ['tag:team', 'Tag team'],
    ]);
  });

  it('names each choice', () => {
    expect(usageByLabel('department')).toBe('Department');
    expect(usageByLabel('opening')).toBe('Opening');
    expect(usageByLabel('tag:team')).toBe('Tag team');
  });
});
