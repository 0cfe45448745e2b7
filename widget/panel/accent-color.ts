/** The accent when neither the page nor the agent's profile gives one. */
export const DEFAULT_ACCENT = '#4f46e5';

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/**
 * Relative luminance above which dark text has more contrast than white on the accent: where
 * the WCAG contrast ratios against white and against black are equal.
 */
const LIGHT_ACCENT_LUMINANCE = 0.179;

/**
 * The accent: the page's colour, else the profile's, else the default. Only hex colours are
 * accepted: the value ends up in a CSS custom property, and the profile is server data.
 */
export function pickAccent(pageColor: string | null, profileColor: string | null | undefined): string {
  if (pageColor && HEX_COLOR.test(pageColor)) return pageColor;
  if (profileColor && HEX_COLOR.test(profileColor)) return profileColor;
  return DEFAULT_ACCENT;
}

/** Black or white, whichever is legible on `hex` (a colour {@link pickAccent} returned). */
export function contrastOn(hex: string): string {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((digit) => digit + digit).join('') : hex.slice(1);
  const channel = (offset: number) => {
    const value = parseInt(digits.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  return luminance > LIGHT_ACCENT_LUMINANCE ? '#111827' : '#ffffff';
}

/**
 * Sets the accent on `element` through the CSSOM (`style.setProperty`), which a strict CSP
 * allows, unlike a `style` attribute in markup.
 */
export function applyAccent(element: HTMLElement, color: string): void {
  element.style.setProperty('--accent', color);
  element.style.setProperty('--accent-contrast', contrastOn(color));
}
