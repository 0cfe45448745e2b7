import { describe, expect, it } from 'vitest';
import PANEL_CSS from './panel.css?raw';

/** The words panel.css tells Tailwind to skip (`@source not inline('…')`). */
function skippedWords(css: string): string[] {
  const list = /@source not inline\('([^']*)'\)/.exec(css)?.[1];
  if (list === undefined) throw new Error('panel.css has no `@source not inline(…)` list');
  return list.split(/\s+/).filter(Boolean);
}

/** Every whitespace-separated word of every string literal (class names live there), comments left out. */
function stringWords(source: string): Set<string> {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const words = new Set<string>();
  for (const match of code.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`/g)) {
    for (const word of (match[1] ?? match[2] ?? match[3] ?? '').split(/\s+/)) if (word) words.add(word);
  }
  return words;
}

/** Words in strings that are not classes: event names (viewport.ts listens for `resize`). */
const NOT_CLASSES = new Set(['resize']);

describe('panel.css sources', () => {
  it('skips only words no string of the shipped panel code uses (a class there would get no CSS)', () => {
    const sources = import.meta.glob<string>(['./**/*.{ts,tsx}', '!./**/*.test.*', '!./testing/**'], {
      query: '?raw',
      import: 'default',
      eager: true,
    });
    expect(Object.keys(sources)).toContain('./markdown/markdown-style.ts');
    const used = new Set(Object.values(sources).flatMap((source) => [...stringWords(source)].filter((word) => !NOT_CLASSES.has(word))));
    expect(used).toContain('shrink-0');
    expect(skippedWords(PANEL_CSS).filter((word) => used.has(word))).toEqual([]);
  });
});
