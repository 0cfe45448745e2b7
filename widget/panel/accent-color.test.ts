import { describe, expect, it } from 'vitest';
import { contrastOn, DEFAULT_ACCENT, pickAccent } from './accent-color.ts';

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
});
