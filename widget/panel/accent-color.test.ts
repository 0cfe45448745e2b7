import { describe, expect, it } from 'vitest';
import { contrastOn, contrastRatio, DEFAULT_ACCENT, pickAccent } from './accent-color.ts';

describe('accent colour', () => {
  it('prefers the page colour, then the profile colour, and accepts only hex', () => {
    expect(pickAccent('#112233', '#445566')).toBe('#112233');
    expect(pickAccent(null, '#445566')).toBe('#445566');
    expect(pickAccent(null, 'red; background: url(x)')).toBe(DEFAULT_ACCENT);
    expect(pickAccent('nope', undefined)).toBe(DEFAULT_ACCENT);
  });

  it('chooses legible text on it', () => {
    expect(contrastOn('#4f46e5')).toBe('#ffffff');
    expect(contrastOn('#fde047')).toBe('#111827');
    expect(contrastOn('#fff')).toBe('#111827');
  });

  it('keeps text on any accent at WCAG AA (4.5:1), mid-grey accents included', () => {
    const hex = (value: number) => value.toString(16);
    const weak: string[] = [];
    for (let value = 0; value < 16 ** 3; value++) {
      const accent = `#${hex(value >> 8)}${hex((value >> 4) & 15)}${hex(value & 15)}`;
      if (contrastRatio(accent, contrastOn(accent)) < 4.5) weak.push(accent);
    }
    expect(weak).toEqual([]);
    // Where white and dark grey both fall short, black is chosen.
    expect(contrastOn('#7a7a7a')).toBe('#000000');
    expect(contrastRatio('#ffffff', '#000000')).toBe(21);
  });
});
