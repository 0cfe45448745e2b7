import { describe, expect, it } from 'vitest';
import LOADER_CSS from '../loader/loader.css?raw';
import { contrastOn, contrastRatio, DEFAULT_ACCENT, MIN_UI_CONTRAST, ringOn } from './accent-color.ts';
import { THEMES, themeCss, type ThemeName, type ThemeTokens } from './theme-tokens.ts';

/** WCAG AA: text (and the notice, code and bubble pairs), and parts of controls. */
const AA_TEXT = 4.5;
const AA_UI = 3;

type Rgba = [number, number, number, number];

/** #rgb, #rgba, #rrggbb, #rrggbbaa or `rgb(r g b / a)`. */
function parse(color: string): Rgba {
  const rgb = /^rgb\((\d+) (\d+) (\d+) \/ ([\d.]+)\)$/.exec(color);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), Number(rgb[4])];
  const hex = /^#([0-9a-f]+)$/i.exec(color)?.[1];
  if (!hex || ![3, 4, 6, 8].includes(hex.length)) throw new Error(`not a colour: ${color}`);
  const digits = hex.length <= 4 ? [...hex].map((digit) => digit + digit) : hex.match(/../g)!;
  const [red, green, blue, alpha = 'ff'] = digits.map((pair) => pair) as [string, string, string, string?];
  return [parseInt(red, 16), parseInt(green, 16), parseInt(blue, 16), parseInt(alpha, 16) / 255];
}

/** `top` laid over the opaque `bottom`, as a #rrggbb colour. */
function over(top: string, bottom: string): string {
  const [r1, g1, b1, alpha] = parse(top);
  const [r2, g2, b2] = parse(bottom);
  const mix = (a: number, b: number) => Math.round(a * alpha + b * (1 - alpha));
  return `#${[mix(r1, r2), mix(g1, g2), mix(b1, b2)].map((value) => value.toString(16).padStart(2, '0')).join('')}`;
}

/** Every pair read together in the panel: [what, foreground, background, minimum]. */
function pairsOf(t: ThemeTokens): [string, string, string, number][] {
  return [
    ['text on the surface', t.text, t.surface, AA_TEXT],
    ['secondary text on the surface', t.textSoft, t.surface, AA_TEXT],
    ['muted text on the surface', t.muted, t.surface, AA_TEXT],
    ['placeholder (muted) in a field', t.muted, t.field, AA_TEXT],
    ['typed text in a field', t.text, t.field, AA_TEXT],
    ['error text on the surface', t.danger, t.surface, AA_TEXT],
    ['an agent or team bubble', t.bubbleText, t.bubble, AA_TEXT],
    ['inline code in a bubble', t.bubbleText, over(t.codeInline, t.bubble), AA_TEXT],
    ['a code block', t.codeBlockText, t.codeBlock, AA_TEXT],
    ['a code block’s language label', t.codeLabel, t.codeBlock, AA_TEXT],
    ['a warning notice', t.warnText, t.warnBg, AA_TEXT],
    ['a warning notice’s button, hovered', t.warnText, over(t.hover, t.warnBg), AA_TEXT],
    ['an error notice', t.errorText, t.errorBg, AA_TEXT],
    ['an error notice’s button, hovered', t.errorText, over(t.hover, t.errorBg), AA_TEXT],
    ['an information notice', t.infoText, t.infoBg, AA_TEXT],
    ['a hovered button on the surface', t.textSoft, over(t.hover, t.surface), AA_TEXT],
    ['a control’s edge on the surface', t.border, t.surface, AA_UI],
    ['a control’s edge around a field', t.border, t.field, AA_UI],
    ['the fallback focus ring on the surface', t.ringFallback, t.surface, AA_UI],
  ];
}

/** Every 12-bit colour (#000 to #fff): the accents a site or an agent may choose, in steps. */
function everyAccent(): string[] {
  const hex = (value: number) => value.toString(16);
  return Array.from({ length: 16 ** 3 }, (_, value) => `#${hex(value >> 8)}${hex((value >> 4) & 15)}${hex(value & 15)}`);
}

/** The loader's custom properties in its `:host` rule, its `data-theme=dark` rule and its media query. */
function loaderColours(): Record<ThemeName | 'auto-dark', Record<string, string>> {
  const css = LOADER_CSS.replace(/\/\*[\s\S]*?\*\//g, '');
  const block = (pattern: RegExp) => {
    const body = pattern.exec(css)?.[1];
    if (!body) throw new Error(`loader.css has no block for ${pattern}`);
    return Object.fromEntries([...body.matchAll(/(--ama2-[a-z]+):\s*([^;]+);/g)].map((match) => [match[1]!, match[2]!.trim()]));
  };
  return {
    light: block(/:host \{([^}]*)\}/),
    dark: block(/:host\(\[data-theme='dark'\]\) \{([^}]*)\}/),
    'auto-dark': block(/@media \(prefers-color-scheme: dark\) \{\s*:host\(\[data-theme='auto'\]\) \{([^}]*)\}/),
  };
}

describe('theme contrast (WCAG AA)', () => {
  for (const name of ['light', 'dark'] as const) {
    it(`${name}: every text pair reaches 4.5:1, every control edge and focus ring 3:1`, () => {
      const weak = pairsOf(THEMES[name])
        .map(([what, foreground, background, minimum]) => ({ what, ratio: contrastRatio(foreground, background), minimum }))
        .filter(({ ratio, minimum }) => ratio < minimum)
        .map(({ what, ratio, minimum }) => `${what}: ${ratio.toFixed(2)} < ${minimum}`);
      expect(weak).toEqual([]);
    });

    it(`${name}: the focus ring reaches 3:1 on the surface for every accent, the default one unchanged where it can`, () => {
      const surface = THEMES[name].surface;
      const weak = everyAccent().filter((accent) => contrastRatio(ringOn(accent, name), surface) < MIN_UI_CONTRAST);
      expect(weak).toEqual([]);
      // An accent that stands out is used as it is.
      const strong = everyAccent().find((accent) => contrastRatio(accent, surface) >= AA_UI)!;
      expect(ringOn(strong, name)).toBe(strong);
    });
  }

  it('the default accent: the ring is the accent in light and a lighter tint of it in dark', () => {
    expect(ringOn(DEFAULT_ACCENT, 'light')).toBe(DEFAULT_ACCENT);
    const dark = ringOn(DEFAULT_ACCENT, 'dark');
    expect(dark).not.toBe(DEFAULT_ACCENT);
    expect(dark).not.toBe(THEMES.dark.ringFallback);
    expect(contrastRatio(dark, THEMES.dark.surface)).toBeGreaterThanOrEqual(AA_UI);
  });

  it('text on the accent (header, send button, the visitor’s bubbles) reaches 4.5:1 for every accent, the same in both themes', () => {
    // The accent and the text on it do not change with the theme: one check holds for both.
    const weak = everyAccent().filter((accent) => contrastRatio(accent, contrastOn(accent)) < AA_TEXT);
    expect(weak).toEqual([]);
  });

  it('the loader: the frame’s colours match the panel’s, its text reaches 4.5:1, the badge too, the dark launcher edge 3:1', () => {
    const loader = loaderColours();
    expect(loader.dark).toEqual(loader['auto-dark']);
    for (const [name, colours] of [
      ['light', loader.light],
      ['dark', loader.dark],
    ] as const) {
      expect(colours['--ama2-bg']).toBe(THEMES[name].surface.replace('#ffffff', '#fff'));
      expect(colours['--ama2-fg']).toBe(THEMES[name].text);
      expect(contrastRatio(THEMES[name].text, THEMES[name].surface)).toBeGreaterThanOrEqual(AA_TEXT);
    }
    // The launcher's edge in dark, against a page as dark as the panel.
    expect(contrastRatio(over(loader.dark['--ama2-edge']!, THEMES.dark.surface), THEMES.dark.surface)).toBeGreaterThanOrEqual(AA_UI);
    // The unread badge: white on red, in both themes.
    const badge = /\.badge \{([^}]*)\}/.exec(LOADER_CSS)![1]!;
    const colour = /\n\s*color: (#[0-9a-f]+);/.exec(badge)![1]!;
    const background = /background: (#[0-9a-f]+);/.exec(badge)![1]!;
    expect(contrastRatio(colour, background)).toBeGreaterThanOrEqual(AA_TEXT);
  });

  it('the stylesheet gives every token to both themes, dark for data-theme=dark and for auto in a dark system', () => {
    const css = themeCss();
    for (const token of Object.keys(THEMES.light)) {
      const property = `--ama-${token.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}:`;
      expect(css.split(property).length - 1, property).toBe(3);
    }
    expect(css).toContain(`:host([data-theme='dark']) .panel {`);
    expect(css).toContain(`@media (prefers-color-scheme: dark) { :host([data-theme='auto']) .panel {`);
    expect(css).toContain('--ama-ring: var(--accent-ring-dark, #f1f5f9)');
    expect(css).toContain('color-scheme: dark');
  });
});
