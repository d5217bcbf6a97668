import { describe, expect, it } from 'vitest';
import { USAGE_BY, usageByLabel, usageByOf } from './usageBy';

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
    expect(usageByOf('tag:team')).toBe('opening');
  });

  it('names each choice', () => {
    expect(usageByLabel('department')).toBe('Department');
    expect(usageByLabel('opening')).toBe('Opening');
  });
});
