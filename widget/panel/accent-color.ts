import { RING_BASES, type ThemeName } from './theme-tokens.ts';

/** The accent when neither the page nor the agent's profile gives one. */
export const DEFAULT_ACCENT = '#4f46e5';

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** WCAG AA for normal text: what the text on the accent must reach. */
const MIN_TEXT_CONTRAST = 4.5;
/** WCAG AA for parts of controls (1.4.11): what a focus ring or a focused edge must reach on the panel's surface. */
export const MIN_UI_CONTRAST = 3;
/** How far each step of {@link ringOn} mixes the accent towards the fallback. */
const RING_STEP = 0.1;
/** The preferred text colours on the accent, in order; pure black is the fallback that always reaches AA. */
const LIGHT_TEXT = '#ffffff';
const DARK_TEXT = '#111827';
const BLACK_TEXT = '#000000';

/**
 * The accent: the page's colour, else the profile's, else the default. Only hex colours are
 * accepted: the value ends up in a CSS custom property, and the profile is server data.
 */
export function pickAccent(pageColor: string | null, profileColor: string | null | undefined): string {
  if (pageColor && HEX_COLOR.test(pageColor)) return pageColor;
  if (profileColor && HEX_COLOR.test(profileColor)) return profileColor;
  return DEFAULT_ACCENT;
}

/** The red, green and blue of a hex colour (#rgb or #rrggbb), 0 to 255. */
export function channelsOf(hex: string): [number, number, number] {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((digit) => digit + digit).join('') : hex.slice(1);
  return [0, 2, 4].map((offset) => parseInt(digits.slice(offset, offset + 2), 16)) as [number, number, number];
}

const toHex = (channels: readonly number[]) => `#${channels.map((value) => Math.round(value).toString(16).padStart(2, '0')).join('')}`;

/** WCAG relative luminance of a hex colour (#rgb or #rrggbb). */
function luminanceOf(hex: string): number {
  const [red, green, blue] = channelsOf(hex).map((channel) => {
    const value = channel / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

/** The WCAG contrast ratio of two hex colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminanceOf(a), luminanceOf(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The text colour for `hex` (a colour {@link pickAccent} returned): white or dark grey,
 * whichever has more contrast, and pure black when neither reaches 4.5:1 (accents of
 * middle luminance, where black always does).
 */
export function contrastOn(hex: string): string {
  const best = contrastRatio(hex, LIGHT_TEXT) >= contrastRatio(hex, DARK_TEXT) ? LIGHT_TEXT : DARK_TEXT;
  return contrastRatio(hex, best) >= MIN_TEXT_CONTRAST ? best : BLACK_TEXT;
}

/** `from` mixed towards `to` by `amount` (0 to 1), in sRGB. */
function mixHex(from: string, to: string, amount: number): string {
  const [a, b] = [channelsOf(from), channelsOf(to)];
  return toHex(a.map((value, index) => value + (b[index]! - value) * amount));
}

/**
 * The focus ring's colour on a theme's surface: the accent where it reaches 3:1 there, else
 * the accent mixed towards the theme's fallback (its text colour) until it does, so the ring
 * keeps the accent's hue. The fallback itself always does (checked in theme-tokens.test.ts).
 */
export function ringOn(accent: string, theme: ThemeName): string {
  const { surface, ringFallback } = RING_BASES[theme];
  for (let amount = 0; amount < 1; amount += RING_STEP) {
    const ring = amount === 0 ? accent : mixHex(accent, ringFallback, amount);
    if (contrastRatio(ring, surface) >= MIN_UI_CONTRAST) return ring;
  }
  return ringFallback;
}

/**
 * Sets the accent on `element` through the CSSOM (`style.setProperty`), which a strict CSP
 * allows, unlike a `style` attribute in markup: the colour, the text on it, and the focus
 * ring for each theme (theme-tokens.ts picks the one in use).
 */
export function applyAccent(element: HTMLElement, color: string): void {
  element.style.setProperty('--accent', color);
  element.style.setProperty('--accent-contrast', contrastOn(color));
  for (const theme of Object.keys(RING_BASES) as ThemeName[]) element.style.setProperty(`--accent-ring-${theme}`, ringOn(color, theme));
}
