/**
 * The panel's colours, light and dark, as CSS custom properties (`--ama-<token>`) on the
 * loader's frame (`.panel`). panel.css maps them to Tailwind colours (`bg-ama-surface`,
 * `text-ama-muted`…), and theme-tokens.test.ts checks every pair that is read together
 * against WCAG AA. Their stylesheet ({@link themeCss}) joins panel.css at build time
 * (vite.widget.config.ts): the panel's code carries only {@link RING_BASES}.
 *
 * Which set applies follows the loader's `data-theme` on the shadow host: `dark`, or `auto`
 * while the visitor's system prefers dark (`prefers-color-scheme`, live). The loader's own
 * sheet (widget/loader/loader.css) switches its few colours on the same selectors, with the
 * same surface and text colours.
 *
 * The accent (the site's or the agent's) is not here: text on it is chosen by
 * accent-color.ts in both themes; the focus ring is the accent where it stands out on the
 * theme's surface, else a tint of it that does (`--accent-ring-<theme>`, set with the accent).
 */
export type ThemeName = 'light' | 'dark';

export interface ThemeTokens {
  /** The panel's background. */
  surface: string;
  /** Body text, on `surface`. */
  text: string;
  /** Secondary text (intro, labels), on `surface`. */
  textSoft: string;
  /** Names, times, placeholders, "Starting…": on `surface` and `field`. */
  muted: string;
  /** Lines between areas (decorative: the areas are told apart by their content). */
  divider: string;
  /** Edges of controls (inputs, buttons without a fill): 3:1 on `surface` and `field`. */
  border: string;
  /** Inputs' background. */
  field: string;
  /** A disabled input's background (disabled controls are exempt from contrast rules). */
  fieldDisabled: string;
  /** Laid over a control on hover (translucent). */
  hover: string;
  /** Messages of the agent and the team. */
  bubble: string;
  bubbleText: string;
  /** Errors in text ("not sent", over the length limit), on `surface`. */
  danger: string;
  /** Notices: a warning (amber), an error (red), information (blue). */
  warnBg: string;
  warnText: string;
  errorBg: string;
  errorText: string;
  infoBg: string;
  infoText: string;
  /** Inline code in a message: laid over the bubble (translucent). */
  codeInline: string;
  /** Code blocks in a message. */
  codeBlock: string;
  codeBlockText: string;
  codeLabel: string;
  /** Table cells' edges in a message (translucent). */
  cellBorder: string;
  /** What the focus ring is mixed towards where the accent is too faint on `surface`. */
  ringFallback: string;
}

/**
 * The two tokens the panel reads while it runs (accent-color.ts: the focus ring's surface and
 * the colour it is mixed towards); the rest are written into the stylesheet at build time.
 */
export const RING_BASES: Record<ThemeName, Pick<ThemeTokens, 'surface' | 'ringFallback'>> = {
  light: { surface: '#ffffff', ringFallback: '#0f172a' },
  dark: { surface: '#0f172a', ringFallback: '#f1f5f9' },
};

export const THEMES: Record<ThemeName, ThemeTokens> = {
  light: {
    ...RING_BASES.light,
    text: '#0f172a',
    textSoft: '#334155',
    muted: '#64748b',
    divider: '#e2e8f0',
    border: '#7c8799',
    field: '#ffffff',
    fieldDisabled: '#f1f5f9',
    hover: 'rgb(15 23 42 / 0.06)',
    bubble: '#f1f5f9',
    bubbleText: '#0f172a',
    danger: '#b91c1c',
    warnBg: '#fffbeb',
    warnText: '#451a03',
    errorBg: '#fef2f2',
    errorText: '#7f1d1d',
    infoBg: '#f0f9ff',
    infoText: '#082f49',
    codeInline: 'rgb(15 23 42 / 0.08)',
    codeBlock: '#0f172a',
    codeBlockText: '#f1f5f9',
    codeLabel: '#cbd5e1',
    cellBorder: 'rgb(15 23 42 / 0.25)',
  },
  dark: {
    ...RING_BASES.dark,
    text: '#f1f5f9',
    textSoft: '#cbd5e1',
    muted: '#94a3b8',
    divider: '#334155',
    border: '#8793a5',
    field: '#1e293b',
    fieldDisabled: '#334155',
    hover: 'rgb(241 245 249 / 0.1)',
    bubble: '#1e293b',
    bubbleText: '#f1f5f9',
    danger: '#fca5a5',
    warnBg: '#451a03',
    warnText: '#fef3c7',
    errorBg: '#450a0a',
    errorText: '#fee2e2',
    infoBg: '#082f49',
    infoText: '#e0f2fe',
    codeInline: 'rgb(241 245 249 / 0.12)',
    codeBlock: '#020617',
    codeBlockText: '#e2e8f0',
    codeLabel: '#cbd5e1',
    cellBorder: 'rgb(241 245 249 / 0.3)',
  },
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** `--ama-surface: …; …` for one theme, with its focus ring and its `color-scheme` (scrollbars, form controls). */
function declarations(name: ThemeName): string {
  const tokens = Object.entries(THEMES[name]).map(([token, value]) => `--ama-${kebab(token)}: ${value as string}`);
  return [...tokens, `--ama-ring: var(--accent-ring-${name}, ${THEMES[name].ringFallback})`, `color-scheme: ${name}`].join('; ');
}

/**
 * The stylesheet that puts the tokens on the frame: light by default, dark for
 * `data-theme="dark"`, and for `data-theme="auto"` while the system prefers dark.
 */
export function themeCss(): string {
  const dark = declarations('dark');
  return [
    `.panel { ${declarations('light')} }`,
    `:host([data-theme='dark']) .panel { ${dark} }`,
    `@media (prefers-color-scheme: dark) { :host([data-theme='auto']) .panel { ${dark} } }`,
  ].join('\n');
}
