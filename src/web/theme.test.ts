import { DEFAULT_THEME, luminance, type MantineColorsTuple } from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { contrast, MIN_TEXT_CONTRAST, PAGE_GROUNDS, readablePalette, theme } from './theme';

const palettes = Object.entries(theme.colors ?? {}) as [string, MantineColorsTuple][];

describe('the console theme', () => {
  it('measures contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#868e96', '#ffffff')).toBeCloseTo(3.32, 2);
  });

  it('changes every Mantine palette but dark, and only where a shade read as text falls short', () => {
    expect(palettes.map(([name]) => name).sort()).toEqual(
      Object.keys(DEFAULT_THEME.colors)
        .filter((n) => n !== 'dark')
        .sort(),
    );
    const gray = readablePalette(DEFAULT_THEME.colors.gray);
    expect(gray.slice(0, 6)).toEqual(DEFAULT_THEME.colors.gray.slice(0, 6));
    expect(gray[6]).not.toBe(DEFAULT_THEME.colors.gray[6]);
    // Gray 7 was readable already.
    expect(gray[7]).toBe(DEFAULT_THEME.colors.gray[7]);
  });

  it.each(palettes)(
    '%s: shades 6–9 read at 4.5:1 on the page, shade 9 on shades 1–2, each darker than the last',
    (_, shades) => {
      for (const [before, s] of [
        [5, 6],
        [6, 7],
        [7, 8],
        [8, 9],
      ] as const) {
        for (const ground of PAGE_GROUNDS) {
          expect(contrast(shades[s], ground), `shade ${s} on ${ground}`).toBeGreaterThanOrEqual(
            MIN_TEXT_CONTRAST,
          );
        }
        expect(luminance(shades[s]), `shade ${s} darker than ${before}`).toBeLessThan(
          luminance(shades[before]),
        );
      }
      for (const ground of [shades[1], shades[2]]) {
        expect(contrast(shades[9], ground), `shade 9 on ${ground}`).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      }
    },
  );

  it('keeps white text on a filled button readable (the primary colour is shade 6)', () => {
    for (const [name, shades] of palettes) {
      expect(contrast(shades[6], '#ffffff'), name).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    }
  });
});
