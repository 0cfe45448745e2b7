import type { NotificationKind, NotificationLanguage } from '../../../src/core/protocol/notifications.ts';

/** The words of notification emails, in each language of the inbox. */
export interface EmailWords {
  subjectMany(count: number): string;
  greeting(name: string): string;
  intro(count: number): string;
  openThread: string;
  /** Where the unsubscribe links are, above them. */
  footer: string;
  /** The text of a link that turns one kind's email off. */
  stopKind(kind: NotificationKind): string;
  /** The text of the link that turns every kind in this email off. */
  stopAll: string;
  /** The unsubscribe page. */
  confirmTitle: string;
  confirmQuestion(kinds: string): string;
  confirmButton: string;
  doneTitle: string;
  done(kinds: string): string;
  kindNames: Record<NotificationKind, string>;
}

const EN: EmailWords = {
  subjectMany: (count) => `${count} new notifications`,
  greeting: (name) => `Hello ${name},`,
  intro: (count) => (count === 1 ? 'this happened while you were away:' : `these ${count} things happened while you were away:`),
  openThread: 'Open this conversation in the inbox',
  footer: 'You get these emails because of your notification settings.',
  stopKind: (kind) => `Stop emails about ${EN.kindNames[kind]}`,
  stopAll: 'Stop these emails',
  confirmTitle: 'Stop these emails?',
  confirmQuestion: (kinds) => `You will no longer get emails about ${kinds}. In-app notifications and push stay as they are.`,
  confirmButton: 'Stop the emails',
  doneTitle: 'Emails stopped',
  done: (kinds) => `You will no longer get emails about ${kinds}. You can turn them on again in the notification settings.`,
  kindNames: {
    mention: 'mentions',
    assigned: 'assignments',
    waiting: 'conversations waiting for a person',
    approval_pending: 'approvals',
    message: 'new messages',
  },
};

const DE: EmailWords = {
  subjectMany: (count) => `${count} neue Benachrichtigungen`,
  greeting: (name) => `Hallo ${name},`,
  intro: (count) =>
    count === 1 ? 'das ist passiert, während Sie weg waren:' : `diese ${count} Dinge sind passiert, während Sie weg waren:`,
  openThread: 'Diese Unterhaltung im Posteingang öffnen',
  footer: 'Sie erhalten diese E-Mails wegen Ihrer Benachrichtigungseinstellungen.',
  stopKind: (kind) => `Keine E-Mails mehr zu ${DE.kindNames[kind]}`,
  stopAll: 'Diese E-Mails abbestellen',
  confirmTitle: 'Diese E-Mails abbestellen?',
  confirmQuestion: (kinds) =>
    `Sie erhalten dann keine E-Mails mehr zu ${kinds}. Benachrichtigungen in der App und Push bleiben, wie sie sind.`,
  confirmButton: 'E-Mails abbestellen',
  doneTitle: 'E-Mails abbestellt',
  done: (kinds) => `Sie erhalten keine E-Mails mehr zu ${kinds}. In den Benachrichtigungseinstellungen können Sie sie wieder einschalten.`,
  kindNames: {
    mention: 'Erwähnungen',
    assigned: 'Zuweisungen',
    waiting: 'Unterhaltungen, die auf eine Person warten',
    approval_pending: 'Freigaben',
    message: 'neuen Nachrichten',
  },
};

/** The email words of `language` (English for any other). */
export const emailWords = (language: NotificationLanguage | undefined): EmailWords => (language === 'de' ? DE : EN);

/** "a, b and c" in the language's words. */
export function listOf(language: NotificationLanguage | undefined, items: string[]): string {
  if (items.length <= 1) return items.join('');
  const and = language === 'de' ? 'und' : 'and';
  return `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)!}`;
}
