/**
 * Tests' synchronous catalog by locale: the panel itself loads German on demand (i18n.ts
 * `loadStrings`), a test needs the words at hand. `email`: the email offer's words, which
 * load with the offer (email-words.ts).
 */
import { emailWords, type EmailWords } from '../email-words.ts';
import { en, languageOf, type PanelStrings } from '../i18n.ts';
import { de } from '../i18n-de.ts';

/** The panel's words in one language, with the email offer's. */
export type TestStrings = PanelStrings & { email: EmailWords };

export const stringsFor = (locale: string | null | undefined): TestStrings => {
  const language = languageOf(locale);
  return { ...(language === 'de' ? de : en), email: emailWords(language) };
};
