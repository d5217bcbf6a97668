import { describe, expect, it } from 'vitest';
import { totalShare } from './figures';

describe("a totals row's share", () => {
  it('is all of the credits used, or none when nothing was used', () => {
    expect(totalShare(12.5)).toBe(1);
    expect(totalShare(0.001)).toBe(1);
    expect(totalShare(0)).toBe(0);
  });
});
