import {
  createTheme,
  DEFAULT_THEME,
  Drawer,
  darken,
  luminance,
  type MantineColorsTuple,
  Modal,
  TableScrollContainer,
  toRgba,
} from '@mantine/core';

/** WCAG AA for text of normal size. */
export const MIN_TEXT_CONTRAST = 4.5;

/** The WCAG contrast ratio of two colours. */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

const hex = (color: string) => {
  const { r, g, b } = toRgba(color);
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
};

/** `color`, darkened in steps of 1 % until it reads at MIN_TEXT_CONTRAST on each of `grounds`. */
function readableOn(color: string, grounds: readonly string[]): string {
  let out = color;
  for (let step = 1; grounds.some((g) => contrast(out, g) < MIN_TEXT_CONTRAST); step++) {
    out = hex(darken(color, step * 0.01));
  }
  return out;
}

/** The page, card and table-row backgrounds text sits on. */
export const PAGE_GROUNDS = ['#ffffff', DEFAULT_THEME.colors.gray[0], DEFAULT_THEME.colors.gray[1]] as const;

/**
 * Mantine's palette with shades 6–9 made readable as text: those are what text takes (`c="teal"`
 * and links are shade 6, captions `dimmed` are gray 6, a light badge or alert is shade 9 on
 * shade 1 or 2), and several of Mantine's fail WCAG AA (gray 6 is 3.3:1 on white, orange 7 3.0:1,
 * yellow 9 on yellow 1 2.7:1). Each such shade is darkened just enough, keeping each shade
 * darker than the one before; shades 0–5, the backgrounds, stay as they are.
 */
export function readablePalette(shades: MantineColorsTuple): MantineColorsTuple {
  const out: string[] = [...shades];
  for (let s = 6; s <= 9; s++) {
    const grounds = s === 9 ? [...PAGE_GROUNDS, shades[1], shades[2]] : PAGE_GROUNDS;
    const readable = readableOn(shades[s] ?? '', grounds);
    const previous = out[s - 1] ?? '';
    out[s] = s > 6 && luminance(readable) >= luminance(previous) ? hex(darken(previous, 0.1)) : readable;
  }
  return out as unknown as MantineColorsTuple;
}

const colors = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors)
    .filter(([name]) => name !== 'dark')
    .map(([name, shades]) => [name, readablePalette(shades)]),
);

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  colors,
  components: {
    // A dialog's close button is an icon: it needs a name (a component may give a better one).
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    // A table wider than a phone scrolls sideways: keyboard users reach the scroll area by Tab.
    TableScrollContainer: TableScrollContainer.extend({
      defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } },
    }),
  },
});

/** Placeholders are text too: Mantine's gray 5 is 2.1:1 on white. */
export const cssVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-placeholder': 'var(--mantine-color-gray-6)' },
  dark: {},
});
