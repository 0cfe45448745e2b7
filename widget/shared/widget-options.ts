/** Everything an embedding page can set (as `data-` attributes on the script tag). */
export interface WidgetOptions {
  /** The agent's slug (`data-agent`, required). */
  agent: string;
  /** The chat server's URL without `/api/v1` (`data-api-base`; default: the script's own origin). */
  apiBaseUrl: string;
  /** Which corner the launcher sits in (`data-position`). */
  position: 'left' | 'right';
  /** Stacking order of the launcher and panel (`data-z-index`). */
  zIndex: number;
  /** Accent colour (`data-theme-color`); null: the agent profile's. */
  themeColor: string | null;
  /** Interface language (`data-locale`; default: the browser's). */
  locale: string;
  /** Open the panel on load (`data-open`). */
  openOnLoad: boolean;
  /** Light or dark colours (`data-theme`); `auto` follows the visitor's `prefers-color-scheme`, live. */
  theme: WidgetTheme;
  /**
   * `data-consent="required"` (CONTRACT §14): nothing goes to the chat server and no storage is
   * read or written until the visitor opens the chat or the page calls `AMA2Chat.consent()`.
   * Any other value is a flaw and, being the safe choice, also requires consent.
   */
  consent: boolean;
}

/** The values of `data-theme`. */
export type WidgetTheme = 'light' | 'dark' | 'auto';

/** An option that was set wrongly (or, for `agent` and `apiBase`, is missing). */
export type OptionFlaw = 'agent' | 'apiBase' | 'position' | 'zIndex' | 'themeColor' | 'theme' | 'consent';

export const DEFAULT_Z_INDEX = 2_147_483_000;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const THEME = /^(light|dark|auto)$/;

/**
 * Reads and checks the options, with safe defaults for wrong ones; `flaws` names what was
 * wrong (the loader is kept small: option-flaws.ts says it in words, loaded by the
 * panel's module only then). `options` is null when the widget cannot start (no agent or server).
 */
export function readOptions(
  dataset: DOMStringMap,
  scriptSrc: string | null,
  browserLocale: string,
): { options: WidgetOptions | null; flaws: OptionFlaw[] } {
  const flaws: OptionFlaw[] = [];
  const agent = (dataset.agent ?? '').trim();
  if (!SLUG.test(agent)) flaws.push('agent');
  let apiBaseUrl = '';
  try {
    const url = new URL(dataset.apiBase?.trim() || scriptSrc || '');
    if (/^https?:$/.test(url.protocol)) apiBaseUrl = url.origin;
  } catch {
    // Not a URL: the same flaw as another scheme.
  }
  if (!apiBaseUrl) flaws.push('apiBase');
  const { position, zIndex: z, themeColor: color, theme: rawTheme } = dataset;
  if (position && position !== 'left' && position !== 'right') flaws.push('position');
  let zIndex = DEFAULT_Z_INDEX;
  if (z !== undefined) {
    const value = Number(z);
    // A whole number in CSS's 32-bit integer range: exactly the numbers `| 0` leaves alone.
    if ((value | 0) === value) zIndex = value;
    else flaws.push('zIndex');
  }
  const themeColor = color && COLOR.test(color) ? color : null;
  if (color && !themeColor) flaws.push('themeColor');
  let theme = (rawTheme || 'auto') as WidgetTheme;
  if (!THEME.test(theme)) {
    flaws.push('theme');
    theme = 'auto';
  }
  const locale = (dataset.locale || browserLocale || 'en').toLowerCase();
  const openOnLoad = dataset.open !== undefined && dataset.open !== 'false';
  const consent = dataset.consent !== undefined;
  if (consent && dataset.consent !== 'required') flaws.push('consent');
  const fatal = flaws.includes('agent') || !apiBaseUrl;
  return {
    options: fatal
      ? null
      : { agent, apiBaseUrl, position: position === 'left' ? 'left' : 'right', zIndex, themeColor, locale, openOnLoad, theme, consent },
    flaws,
  };
}
