/**
 * The line of the offer on leaving (leave-offer.tsx), per panel language: it loads with the
 * offer, on demand (closing-ui.ts), not with the chat. The field, Save, "No thanks" and the
 * errors are the inline offer's words (email-words.ts).
 */
const LINES: Record<string, string> = {
  en: 'Before you go: leave your email and we’ll send the answer there.',
  de: 'Bevor Sie gehen: Hinterlassen Sie Ihre E-Mail-Adresse, dann schicken wir Ihnen die Antwort dorthin.',
};

/** The line for the panel's language (`en` or `de`, from i18n.ts's `languageOf`). */
export const leaveLine = (lang: string): string => LINES[lang] ?? LINES.en!;
