/**
 * Tests' synchronous catalog by locale: the panel itself loads German on demand (i18n.ts
 * `loadStrings`), a test needs the words at hand.
 */
import { en, languageOf, type PanelStrings } from '../i18n.ts';
import { de } from '../i18n-de.ts';

export const stringsFor = (locale: string | null | undefined): PanelStrings => (languageOf(locale) === 'de' ? de : en);
