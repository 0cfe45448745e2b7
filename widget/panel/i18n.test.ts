import { describe, expect, it } from 'vitest';
import { en, languageOf, loadStrings } from './i18n.ts';
import { stringsFor } from './testing/strings.ts';

describe('languageOf', () => {
  it('picks the language, whatever the region or case; English for unknown or missing locales', () => {
    for (const locale of ['de-DE', 'DE_at', 'de', ' de-CH ']) expect(languageOf(locale)).toBe('de');
    for (const locale of ['en-GB', 'fr-FR', '', null, undefined, 'xx', 'constructor', '__proto__']) expect(languageOf(locale)).toBe('en');
  });
});

describe('loadStrings', () => {
  it('answers English at once, without waiting for a chunk (the panel renders in the same task)', () => {
    expect(loadStrings('en-GB')).toBe(en);
    expect(loadStrings(undefined)).toBe(en);
    expect(loadStrings('fr')).toBe(en);
  });

  it('loads the German catalog for a German locale', async () => {
    const pending = loadStrings('de-DE');
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending).send).toBe('Senden');
  });
});

describe('catalogs', () => {
  it('has every English string in German too, none empty', () => {
    // (With the email offer's words, email-words.ts.)
    const de = stringsFor('de');
    const english = stringsFor('en');
    expect(Object.keys(de).sort()).toEqual(Object.keys(english).sort());
    expect(Object.keys(de.email).sort()).toEqual(Object.keys(english.email).sort());
    for (const [key, value] of [...Object.entries(de), ...Object.entries(de.email)]) {
      const sample = typeof value === 'function' ? (value as (...args: unknown[]) => string)(3, 5) : value;
      expect(sample, key).not.toBe('');
    }
  });
});
