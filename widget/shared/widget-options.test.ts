import { describe, expect, it } from 'vitest';
import { describeOptionFlaws } from './option-flaws.ts';
import { DEFAULT_Z_INDEX, readOptions } from './widget-options.ts';

const SCRIPT = 'https://chat.example.com/widget.js';
const read = (dataset: Record<string, string>) => readOptions(dataset, SCRIPT, 'en-GB');

describe('readOptions', () => {
  it('defaults: the right corner, the top z-index, the browser language, the theme following the system', () => {
    expect(read({ agent: 'demo' })).toEqual({
      options: {
        agent: 'demo',
        apiBaseUrl: 'https://chat.example.com',
        position: 'right',
        zIndex: DEFAULT_Z_INDEX,
        themeColor: null,
        locale: 'en-gb',
        openOnLoad: false,
        theme: 'auto',
        consent: false,
      },
      flaws: [],
    });
  });

  it('takes data-consent="required"; any other value is a flaw that still requires consent (the safe choice)', () => {
    expect(read({ agent: 'demo', consent: 'required' })).toMatchObject({ options: { consent: true }, flaws: [] });
    for (const consent of ['', 'no', 'false', 'Required', 'granted']) {
      const dataset = { agent: 'demo', consent };
      const { options, flaws } = read(dataset);
      expect(options?.consent, consent).toBe(true);
      expect(flaws).toEqual(['consent']);
      expect(describeOptionFlaws(dataset, flaws)).toEqual([
        `data-consent="${consent}" must be "required" (or left out); the chat waits for the visitor's consent all the same.`,
      ]);
    }
  });

  it('takes data-theme light, dark or auto', () => {
    for (const theme of ['light', 'dark', 'auto'] as const) {
      expect(read({ agent: 'demo', theme })).toMatchObject({ options: { theme }, flaws: [] });
    }
    // An empty attribute is no choice: the default.
    expect(read({ agent: 'demo', theme: '' })).toMatchObject({ options: { theme: 'auto' }, flaws: [] });
  });

  it('replaces a bad data-theme by auto and says so in words', () => {
    for (const theme of ['Dark', 'night', ' dark', 'light dark']) {
      const dataset = { agent: 'demo', theme };
      const { options, flaws } = read(dataset);
      expect(options?.theme).toBe('auto');
      expect(flaws).toEqual(['theme']);
      expect(describeOptionFlaws(dataset, flaws)).toEqual([
        `data-theme="${theme}" must be "light", "dark" or "auto"; using "auto" (the visitor's system setting).`,
      ]);
    }
  });

  it('reports each bad option once, keeping the good ones', () => {
    const dataset = { agent: 'demo', position: 'top', zIndex: '1.5', themeColor: 'red', theme: 'dim', open: '' };
    const { options, flaws } = read(dataset);
    expect(flaws).toEqual(['position', 'zIndex', 'themeColor', 'theme']);
    expect(options).toMatchObject({ position: 'right', zIndex: DEFAULT_Z_INDEX, themeColor: null, theme: 'auto', openOnLoad: true });
    expect(describeOptionFlaws(dataset, flaws)).toHaveLength(4);
  });

  it('takes z-indexes in the 32-bit range only', () => {
    expect(read({ agent: 'demo', zIndex: '-2147483648' }).options?.zIndex).toBe(-2_147_483_648);
    expect(read({ agent: 'demo', zIndex: '2147483647' }).options?.zIndex).toBe(2_147_483_647);
    for (const zIndex of ['2147483648', '1e12', 'NaN', 'Infinity', '1.5']) {
      expect(read({ agent: 'demo', zIndex }).flaws, zIndex).toEqual(['zIndex']);
    }
  });

  it('cannot start without an agent slug or a server', () => {
    expect(read({ agent: 'Bad Slug' }).options).toBeNull();
    expect(readOptions({ agent: 'demo' }, null, 'en').options).toBeNull();
  });
});
