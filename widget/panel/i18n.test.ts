import { describe, expect, it } from 'vitest';
import { languageOf, stringsFor } from './i18n.ts';

describe('stringsFor', () => {
  it('picks the catalog by language, whatever the region or case', () => {
    expect(stringsFor('de-DE').send).toBe('Senden');
    expect(stringsFor('DE_at').send).toBe('Senden');
    expect(stringsFor('de').send).toBe('Senden');
    expect(stringsFor('en-GB').send).toBe('Send');
  });

  it('falls back to English for unknown or missing locales', () => {
    for (const locale of ['fr-FR', '', null, undefined, 'xx', 'constructor', '__proto__']) expect(stringsFor(locale).send).toBe('Send');
    expect(languageOf('fr')).toBe('en');
    expect(languageOf('de-CH')).toBe('de');
  });

  it('has every English string in German too, none empty', () => {
    const en = stringsFor('en');
    const de = stringsFor('de');
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(de)) {
      const sample = typeof value === 'function' ? (value as (...args: unknown[]) => string)(3, 5) : value;
      expect(sample, key).not.toBe('');
    }
  });
});
