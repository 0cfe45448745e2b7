/**
 * What the panel says when a follow-up email's link did not open its conversation
 * (resume-link.ts), per panel language (`en` or `de`, i18n.ts `languageOf`). They load with
 * the link's chunk, on demand, not with the chat. Each says what happened and what the
 * visitor can do; the panel then carries on as it would without the link.
 */

/** Why a link did not open its conversation: spent before (409), older than 7 days (410), not known (404, or cut short), or no answer. */
export type ResumeFailure = 'used' | 'expired' | 'unknown' | 'unavailable';

export const RESUME_WORDS: Record<string, Record<ResumeFailure, string>> = {
  en: {
    used: 'This link was already used. If you opened it in this browser, your conversation continues here; otherwise just write to us below.',
    expired: 'This link has expired (links work for 7 days). Write to us below and we’ll answer here.',
    unknown: 'This link does not work; it may have been cut short. Write to us below and we’ll answer here.',
    unavailable:
      'The conversation from your link could not be opened: the chat could not be reached. Open the link in your email again to try once more.',
  },
  de: {
    used: 'Dieser Link wurde bereits verwendet. Wenn Sie ihn in diesem Browser geöffnet haben, geht Ihr Gespräch hier weiter; sonst schreiben Sie uns einfach unten.',
    expired: 'Dieser Link ist abgelaufen (Links gelten 7 Tage). Schreiben Sie uns unten, wir antworten hier.',
    unknown: 'Dieser Link funktioniert nicht; vielleicht ist er unvollständig. Schreiben Sie uns unten, wir antworten hier.',
    unavailable:
      'Das Gespräch aus Ihrem Link konnte nicht geöffnet werden: Der Chat war nicht erreichbar. Öffnen Sie den Link aus Ihrer E-Mail erneut, um es noch einmal zu versuchen.',
  },
};
