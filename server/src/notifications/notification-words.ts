import type { NotificationKind, NotificationLanguage } from '../../../src/core/protocol/notifications.ts';
import type { CountedTitle } from '../storage/stores/notification-store.ts';

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
  /** The title of a `message` notification standing for several messages, around their count. */
  counted: { from: (actor: string) => CountedTitle; in: (thread: string) => CountedTitle };
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
    counted: {
      from: (actor) => ({ before: '', after: ` new messages from ${actor}` }),
      in: (thread) => ({ before: '', after: ` new messages in ${thread}` }),
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
    counted: {
      from: (actor) => ({ before: '', after: ` neue Nachrichten von ${actor}` }),
      in: (thread) => ({ before: '', after: ` neue Nachrichten in ${thread}` }),
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

/**
 * The titles of a `message` notification that stands for several messages (one unread per user
 * and thread): "3 new messages from Ann" while they are all from one sender, "… in <thread>"
 * once several wrote.
 */
export function countedMessageTitles(language: NotificationLanguage, facts: NotificationFacts): { from: CountedTitle; in: CountedTitle } {
  const words = CATALOG[language];
  return { from: words.counted.from(facts.actor ?? words.someone), in: words.counted.in(facts.thread ?? words.untitled) };
}
