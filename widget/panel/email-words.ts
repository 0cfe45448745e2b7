/**
 * The words of the inline email offer (email-offer.tsx), per panel language: they load with
 * the offer, on demand (closing-ui.ts), not with the chat. The offer on leaving has a line of
 * its own (leave-words.ts) and these for the rest.
 */
export interface EmailWords {
  /** The offer's line. */
  offer: string;
  /** The field's accessible name. */
  label: string;
  save: string;
  noThanks: string;
  saved(email: string): string;
  /** The line of a server that starts no one without an email, and the error for an empty field. */
  required: string;
  invalid: string;
}

const WORDS: Record<'en' | 'de', EmailWords> = {
  en: {
    offer: 'Leave your email so we can reply if you go.',
    label: 'Email',
    save: 'Save',
    noThanks: 'No thanks',
    saved: (email) => `Thanks! We’ll reply to ${email}.`,
    required: 'Enter your email address.',
    invalid: 'That does not look like an email address (like name@example.com).',
  },
  de: {
    offer: 'Hinterlassen Sie Ihre E-Mail-Adresse, damit wir antworten können, falls Sie gehen.',
    label: 'E-Mail',
    save: 'Speichern',
    noThanks: 'Nein danke',
    saved: (email) => `Danke! Wir antworten an ${email}.`,
    required: 'Bitte geben Sie Ihre E-Mail-Adresse ein.',
    invalid: 'Das sieht nicht wie eine E-Mail-Adresse aus (etwa name@example.com).',
  },
};

/** The words for the panel's language (`en` or `de`, from i18n.ts's `languageOf`). */
export const emailWords = (lang: string): EmailWords => WORDS[lang === 'de' ? 'de' : 'en'];
