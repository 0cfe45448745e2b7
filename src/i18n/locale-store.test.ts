import { afterEach, describe, expect, it } from 'vitest';
import { de } from './catalog-de.ts';
import { en } from './catalog-en.ts';
import { activateLanguage, browserLanguage, resolveLanguage, useActiveLanguage, useLanguageChoice } from './locale-store.ts';

afterEach(async () => {
  useLanguageChoice.setState({ choice: 'browser' });
  await activateLanguage('en');
});

describe('browserLanguage', () => {
  it('takes the first of the browser’s languages the inbox speaks', () => {
    expect(browserLanguage(['de-DE', 'en-US'])).toBe('de');
    expect(browserLanguage(['fr-FR', 'de-AT', 'en'])).toBe('de');
    expect(browserLanguage(['en-GB', 'de'])).toBe('en');
    expect(browserLanguage(['DE_ch'])).toBe('de');
  });

  it('falls back to English for languages it does not speak, or none', () => {
    expect(browserLanguage(['fr-FR', 'ja'])).toBe('en');
    expect(browserLanguage([])).toBe('en');
    expect(browserLanguage(undefined)).toBe('en');
  });
});

describe('the language setting', () => {
  it('overrides the browser when set to a language', () => {
    expect(resolveLanguage('de')).toBe('de');
    expect(resolveLanguage('en')).toBe('en');
  });

  it('is kept in localStorage across reloads', () => {
    useLanguageChoice.getState().setChoice('de');
    expect(JSON.parse(localStorage.getItem('ama2.language') ?? '{}')).toMatchObject({ state: { choice: 'de' } });
  });
});

describe('activateLanguage', () => {
  it('loads the German catalog, makes it active and sets <html lang>', async () => {
    await activateLanguage('de');
    expect(useActiveLanguage.getState()).toEqual({ language: 'de', strings: de });
    expect(document.documentElement.lang).toBe('de');
    await activateLanguage('en');
    expect(useActiveLanguage.getState().strings).toBe(en);
    expect(document.documentElement.lang).toBe('en');
  });

  it('lets the last request win when an earlier one is still loading', async () => {
    const german = activateLanguage('de');
    const english = activateLanguage('en');
    await Promise.all([german, english]);
    expect(useActiveLanguage.getState().language).toBe('en');
  });
});
