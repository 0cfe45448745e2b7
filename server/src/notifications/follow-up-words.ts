import type { NotificationLanguage } from '../../../src/core/protocol/notifications.ts';

/** The words of a visitor follow-up email (CONTRACT §12 "Visitors who left"), in each language of the widget. */
export interface FollowUpWords {
  subject(agentName: string, count: number): string;
  greeting(name: string | null): string;
  intro(agentName: string, count: number): string;
  /** The text of the resume link: says where it goes. */
  resume(agentName: string): string;
  /** Below the link: that it works once, for a week, and what to do with an email one did not expect. */
  linkNote: string;
  /** A reply's sender when no name is known. */
  team: string;
}

const EN: FollowUpWords = {
  subject: (agent, count) => (count === 1 ? `New reply from ${agent}` : `${count} new replies from ${agent}`),
  greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
  intro: (agent, count) =>
    count === 1
      ? `you have a reply in your conversation with ${agent} that you have not seen yet:`
      : `you have ${count} replies in your conversation with ${agent} that you have not seen yet:`,
  resume: (agent) => `Continue the conversation with ${agent}`,
  linkNote: 'The link works once, for 7 days. If you did not chat with us, you can ignore this email.',
  team: 'Team',
};

const DE: FollowUpWords = {
  subject: (agent, count) => (count === 1 ? `Neue Antwort von ${agent}` : `${count} neue Antworten von ${agent}`),
  greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
  intro: (agent, count) =>
    count === 1
      ? `in Ihrer Unterhaltung mit ${agent} gibt es eine Antwort, die Sie noch nicht gesehen haben:`
      : `in Ihrer Unterhaltung mit ${agent} gibt es ${count} Antworten, die Sie noch nicht gesehen haben:`,
  resume: (agent) => `Die Unterhaltung mit ${agent} fortsetzen`,
  linkNote: 'Der Link funktioniert einmal, 7 Tage lang. Wenn Sie nicht mit uns geschrieben haben, können Sie diese E-Mail ignorieren.',
  team: 'Team',
};

/**
 * The language a widget said on resolve (its locale, `de`, `de-AT`, `en-gb` …; CONTRACT §12)
 * as the follow-up email's: German for German, English for any other (the widget shows
 * English then too); null when it said none or nothing like a language tag.
 */
export function widgetLanguage(locale: string | undefined): NotificationLanguage | null {
  const primary = /^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$/i.exec(locale?.trim() ?? '')?.[1]?.toLowerCase();
  if (!primary) return null;
  return primary === 'de' ? 'de' : 'en';
}

/** The follow-up words of `language` (English for any other, or when the server does not know the widget's). */
export const followUpWords = (language: NotificationLanguage | null | undefined): FollowUpWords => (language === 'de' ? DE : EN);
