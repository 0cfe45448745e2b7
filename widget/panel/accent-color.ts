/** The accent when neither the page nor the agent's profile gives one. */
export const DEFAULT_ACCENT = '#4f46e5';

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** WCAG AA for normal text: what the text on the accent must reach. */
const MIN_TEXT_CONTRAST = 4.5;
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

/** WCAG relative luminance of a hex colour (#rgb or #rrggbb). */
function luminanceOf(hex: string): number {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((digit) => digit + digit).join('') : hex.slice(1);
  const channel = (offset: number) => {
    const value = parseInt(digits.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
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

/**
 * Sets the accent on `element` through the CSSOM (`style.setProperty`), which a strict CSP
 * allows, unlike a `style` attribute in markup.
 */
export function applyAccent(element: HTMLElement, color: string): void {
  element.style.setProperty('--accent', color);
  element.style.setProperty('--accent-contrast', contrastOn(color));
}
