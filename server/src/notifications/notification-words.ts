import type { NotificationKind, NotificationLanguage } from '../../../src/core/protocol/notifications.ts';

/** What a notification's title and body are made of: who did it, where, and a short excerpt. */
export interface NotificationFacts {
  /** The actor's display name (the sender, the assigner); null when unknown (the platform). */
  actor: string | null;
  /** The thread's title; null for an untitled thread. */
  thread: string | null;
  /** Plain text of the message (mention, message) or the tool's name (approval). */
  excerpt: string;
}

interface Words {
  someone: string;
  untitled: string;
  title: Record<NotificationKind, (facts: NotificationFacts, actor: string) => string>;
}

/** The body says where, or quotes: the same in every language (only "untitled" is translated). */
const BODY: Record<NotificationKind, (facts: NotificationFacts, thread: string) => string> = {
  mention: (facts) => facts.excerpt,
  assigned: (_facts, thread) => thread,
  waiting: (_facts, thread) => thread,
  approval_pending: (_facts, thread) => `In ${thread}`,
  message: (facts) => facts.excerpt,
};

/** The words of notifications, per language (plain text: no Markdown, no HTML). */
const CATALOG: Record<NotificationLanguage, Words> = {
  en: {
    someone: 'Someone',
    untitled: 'a conversation',
    title: {
      mention: (_facts, actor) => `${actor} mentioned you`,
      assigned: (_facts, actor) => `${actor} assigned a conversation to you`,
      waiting: () => 'A conversation is waiting for a person',
      approval_pending: (facts) => `Approval needed: ${facts.excerpt}`,
      message: (_facts, actor) => `New message from ${actor}`,
    },
  },
  de: {
    someone: 'Jemand',
    untitled: 'einem Gespräch',
    title: {
      mention: (_facts, actor) => `${actor} hat Sie erwähnt`,
      assigned: (_facts, actor) => `${actor} hat Ihnen ein Gespräch zugewiesen`,
      waiting: () => 'Ein Gespräch wartet auf einen Menschen',
      approval_pending: (facts) => `Freigabe nötig: ${facts.excerpt}`,
      message: (_facts, actor) => `Neue Nachricht von ${actor}`,
    },
  },
};

/** Title and body of a notification of `kind`, in `language`. */
export function notificationWords(
  kind: NotificationKind,
  language: NotificationLanguage,
  facts: NotificationFacts,
): { title: string; body: string } {
  const words = CATALOG[language];
  const actor = facts.actor ?? words.someone;
  const thread = facts.thread ?? words.untitled;
  return { title: words.title[kind](facts, actor), body: BODY[kind](facts, thread) };
}
