import { describe, expect, it } from 'vitest';
import { wholeSetting } from './whole-setting.ts';

describe('wholeSetting', () => {
  it('is the fallback when unset or empty, else the whole number given', () => {
    expect(wholeSetting({}, 'LIMIT', 5, 1, 10)).toBe(5);
    expect(wholeSetting({ LIMIT: '' }, 'LIMIT', null, 1, 10)).toBeNull();
    expect(wholeSetting({ LIMIT: '10' }, 'LIMIT', 5, 1, 10)).toBe(10);
  });

  it('refuses anything else, naming the setting, the range and what it got', () => {
    for (const raw of ['0', '11', '2.5', 'ten']) {
      expect(() => wholeSetting({ LIMIT: raw }, 'LIMIT', 5, 1, 10)).toThrow(`LIMIT must be a whole number from 1 to 10, got "${raw}".`);
    }
  });
});
