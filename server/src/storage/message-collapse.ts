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
  // First what each user's drafts join to, then one draft per user: a busy thread's round joins
  // a thousand readers' several messages, and a draft made per message joined was most of the
  // time and garbage of this step (issue 18).
  const joins = new Map<string, Join>();
  for (let index = 0; index < drafts.length; index++) {
    const { collapse, userId, deliveries } = drafts[index]!;
    if (!collapse) continue;
    const join = joins.get(userId);
    if (!join) {
      joins.set(userId, { last: index, drafts: 1, count: collapse.count, senderId: collapse.senderId, dueAt: dueAtOf(deliveries) });
      continue;
    }
    join.last = index;
    join.drafts++;
    join.count += collapse.count;
    join.senderId = joinedSender(join.senderId, collapse.senderId);
    for (const delivery of deliveries) {
      join.dueAt[delivery.channel] = Math.min(join.dueAt[delivery.channel] ?? Infinity, delivery.dueAt);
    }
  }
  const joined: NotificationDraft[] = [];
  for (let index = 0; index < drafts.length; index++) {
    const draft = drafts[index]!;
    const collapse = draft.collapse;
    if (!collapse) {
      joined.push(draft);
      continue;
    }
    const join = joins.get(draft.userId)!;
    // In the place of the user's newest draft; one alone stands as it is.
    if (join.last !== index) continue;
    if (join.drafts === 1) {
      joined.push(draft);
      continue;
    }
    const { count, senderId, dueAt } = join;
    joined.push({
      ...draft,
      title: collapsedTitle(draft, collapse, count, senderId),
      collapse: { ...collapse, count, senderId },
      deliveries: draft.deliveries.map((delivery) => ({ channel: delivery.channel, dueAt: dueAt[delivery.channel]! })),
    });
  }
  return joined;
}

/** What a user's `message` drafts of one slice join to, so far. */
interface Join {
  /** The index of the newest draft. */
  last: number;
  drafts: number;
  count: number;
  senderId: string | null;
  /** Each channel's earliest due time. */
  dueAt: Partial<Record<NotificationDraft['deliveries'][number]['channel'], number>>;
}

const dueAtOf = (deliveries: NotificationDraft['deliveries']): Join['dueAt'] => {
  const dueAt: Join['dueAt'] = {};
  for (const delivery of deliveries) dueAt[delivery.channel] = Math.min(dueAt[delivery.channel] ?? Infinity, delivery.dueAt);
  return dueAt;
};
