import { expect, it } from 'vitest';
import { catalogLeaves } from '../catalog-samples.ts';

/**
 * The parity rules every pair of catalogs keeps, as tests to declare inside a `describe`:
 * the same keys, the same kind of value under each (a string, or a function taking as many
 * values), no empty string, and every function says something for its sample values.
 */
export function catalogParityTests(en: object, de: object, samplesOf: (key: string) => readonly unknown[][] | undefined): void {
  const english = catalogLeaves(en);
  const german = catalogLeaves(de);

  it('have exactly the same keys', () => {
    expect([...german.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('have the same kind of value under each key (a string, or a function taking as many values)', () => {
    for (const [key, value] of english) {
      const other = german.get(key);
      expect(typeof other, key).toBe(typeof value);
      if (typeof value === 'function') expect((other as (...args: unknown[]) => unknown).length, key).toBe(value.length);
    }
  });

  it('have no empty string, and every function returns a non-empty string for sample values', () => {
    for (const [name, catalog] of [
      ['en', english],
      ['de', german],
    ] as const) {
      for (const [key, value] of catalog) {
        if (typeof value === 'string') {
          expect(value.trim(), `${name} ${key}`).not.toBe('');
          continue;
        }
        const samples = samplesOf(key);
        expect(samples?.length, `samples for ${key}`).toBeGreaterThan(0);
        for (const args of samples ?? []) {
          const result = (value as (...values: unknown[]) => unknown)(...args);
          expect(typeof result, `${name} ${key}`).toBe('string');
          expect((result as string).trim(), `${name} ${key}`).not.toBe('');
        }
      }
    }
  });
}
