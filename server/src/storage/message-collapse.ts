import type { CountedTitle, MessageCollapse, NotificationDraft } from './stores/notification-store.ts';

/**
 * The title a counted title makes for `count`. It is kept as the words before and after the
 * number: PostgreSQL writes the number in, in SQL, when it adds to a stored notification's
 * count, so no placeholder is ever looked for in a name or a thread's title.
 */
export const countedTitle = (counted: CountedTitle, count: number): string => `${counted.before}${count}${counted.after}`;

/** The sender of messages joined: the one while it is the same, null once several wrote. */
export const joinedSender = (older: string | null, newer: string | null): string | null =>
  older !== null && older === newer ? older : null;

/**
 * The title of a `message` notification standing for `count` messages with `senderId` (null:
 * several senders): the newer draft's own title for one message, a counted one for more.
 */
export function collapsedTitle(draft: NotificationDraft, collapse: MessageCollapse, count: number, senderId: string | null): string {
  if (count <= 1) return draft.title;
  return countedTitle(senderId === null ? collapse.titles.in : collapse.titles.from, count);
}

/**
 * Joins the `message` drafts of one stored slice per user (CONTRACT §12's notifications, one
 * unread `message` per user and thread): the newest message's draft stands for all of them,
 * with their count, their sender while it is one, and each channel's earliest due time, in
 * the place of the newest (so the slice stays in event order). Other drafts are untouched.
 * One write per user and slice, however many messages the slice holds.
 */
export function collapseDrafts(drafts: readonly NotificationDraft[]): NotificationDraft[] {
  const joined: (NotificationDraft | null)[] = [];
  const slotOf = new Map<string, number>();
  for (const draft of drafts) {
    const collapse = draft.collapse;
    const slot = collapse ? slotOf.get(draft.userId) : undefined;
    if (!collapse || slot === undefined) {
      if (collapse) slotOf.set(draft.userId, joined.length);
      joined.push(draft);
      continue;
    }
    const older = joined[slot]!;
    const count = older.collapse!.count + collapse.count;
    const senderId = joinedSender(older.collapse!.senderId, collapse.senderId);
    const dueAt = new Map<string, number>();
    for (const delivery of [...older.deliveries, ...draft.deliveries]) {
      dueAt.set(delivery.channel, Math.min(dueAt.get(delivery.channel) ?? Infinity, delivery.dueAt));
    }
    joined[slot] = null;
    slotOf.set(draft.userId, joined.length);
    joined.push({
      ...draft,
      title: collapsedTitle(draft, collapse, count, senderId),
      collapse: { ...collapse, count, senderId },
      deliveries: draft.deliveries.map((delivery) => ({ channel: delivery.channel, dueAt: dueAt.get(delivery.channel)! })),
    });
  }
  return joined.filter((draft): draft is NotificationDraft => draft !== null);
}
