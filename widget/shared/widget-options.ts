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
}

export const DEFAULT_Z_INDEX = 2_147_483_000;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** Reads and checks the options; problems are returned in words, and safe defaults used instead. */
export function readOptions(dataset: DOMStringMap, scriptSrc: string | null, browserLocale: string): { options: WidgetOptions | null; problems: string[] } {
  const problems: string[] = [];
  const agent = (dataset.agent ?? '').trim();
  if (!SLUG.test(agent)) problems.push(agent ? `data-agent="${agent.slice(0, 40)}" is not an agent slug (lowercase letters, digits and dashes).` : 'data-agent is required: the slug of the agent to talk to.');
  let apiBaseUrl = '';
  const raw = dataset.apiBase?.trim();
  try {
    apiBaseUrl = new URL(raw || scriptSrc || '').origin;
    if (!/^https?:$/.test(new URL(apiBaseUrl).protocol)) throw new Error('not http');
  } catch {
    problems.push(raw ? `data-api-base="${raw.slice(0, 80)}" is not an http(s) URL.` : 'The chat server could not be worked out from the script URL; set data-api-base.');
  }
  const position = dataset.position === 'left' ? 'left' : 'right';
  if (dataset.position && dataset.position !== 'left' && dataset.position !== 'right') problems.push(`data-position must be "left" or "right"; using "right".`);
  let zIndex = DEFAULT_Z_INDEX;
  if (dataset.zIndex !== undefined) {
    const value = Number(dataset.zIndex);
    if (Number.isInteger(value) && Math.abs(value) <= 2_147_483_647) zIndex = value;
    else problems.push(`data-z-index must be a whole number; using ${DEFAULT_Z_INDEX}.`);
  }
  let themeColor: string | null = null;
  if (dataset.themeColor) {
    if (COLOR.test(dataset.themeColor)) themeColor = dataset.themeColor;
    else problems.push('data-theme-color must be a hex colour such as #4f46e5; using the agent’s colour.');
  }
  const locale = (dataset.locale || browserLocale || 'en').toLowerCase();
  const openOnLoad = dataset.open !== undefined && dataset.open !== 'false';
  const fatal = !SLUG.test(agent) || !apiBaseUrl;
  return { options: fatal ? null : { agent, apiBaseUrl, position, zIndex, themeColor, locale, openOnLoad }, problems };
}
