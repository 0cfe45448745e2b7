import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { NotificationSettings } from '../../../src/core/protocol/notifications.ts';
import { collapsedTitle, joinedSender } from '../storage/message-collapse.ts';
import type { NotificationDraft } from '../storage/stores/notification-store.ts';
import { draftOf, EventNotices, settingsLookup, type DeliveryPlan, type ThreadAudience } from './notification-rules.ts';

/** A batch's events cut into slices that are stored one at a time, with their drafts. */
export interface RulesSlice {
  events: ThreadEvent[];
  drafts: NotificationDraft[];
}

/** A user's `message` notices of one slice so far: they become one draft. */
interface Joined {
  userId: string;
  settings: Required<NotificationSettings>;
  /** The newest event that notified them, and its index in the slice. */
  notices: EventNotices;
  at: number;
  count: number;
  senderId: string | null;
}

/** A slice being filled: its events, each event's drafts other than `message`, and the joined `message` notices. */
class OpenSlice {
  readonly events: ThreadEvent[] = [];
  readonly own: NotificationDraft[][] = [];
  readonly joined = new Map<string, Joined>();
  writes = 0;

  /**
   * The drafts in event order, as `evaluateRules`' drafts joined per user by `collapseDrafts`
   * would be: a user's joined `message` draft in the place of their newest message (the
   * drafts of different users of one event may come in another order; nobody sees that order).
   */
  close(plan: DeliveryPlan): RulesSlice {
    const newest = this.events.map((): Joined[] => []);
    for (const joined of this.joined.values()) newest[joined.at]!.push(joined);
    const drafts: NotificationDraft[] = [];
    this.events.forEach((_, index) => {
      drafts.push(...this.own[index]!);
      for (const { userId, settings, notices, count, senderId } of newest[index]!) {
        const draft = draftOf(notices, 'message', userId, settings, plan);
        const collapse = draft.collapse!;
        if (count > 1) {
          // Every draft of one user in one batch has the same deliveries (their settings, the plan's now).
          draft.title = collapsedTitle(draft, collapse, count, senderId);
          draft.collapse = { ...collapse, count, senderId };
        }
        drafts.push(draft);
      }
    });
    return { events: this.events, drafts };
  }
}

/**
 * What the rules make of a batch of one thread's events (see `evaluateRules`), cut into slices
 * of at most `maxWrites` notifications (at least one event each), with each user's `message`
 * drafts of a slice already joined into one, as storage would join them (see `collapseDrafts`).
 * A busy thread's round is many messages to a thousand readers: made one draft per (message,
 * reader) and joined afterwards, a round of 50 messages made 50,000 drafts, and took a quarter
 * of a second on a busy PostgreSQL process (issue 18). Here a message already noticed for a
 * reader only counts: one draft per reader and slice is made.
 */
export function evaluateSlices(
  events: readonly ThreadEvent[],
  audience: ThreadAudience,
  plan: DeliveryPlan,
  maxWrites: number,
): RulesSlice[] {
  const settingsFor = settingsLookup(audience);
  const slices: RulesSlice[] = [];
  let slice = new OpenSlice();
  for (const event of events) {
    const notices = new EventNotices(event, audience);
    // An event notifies each reader at most once: only a slice that may overflow is counted first.
    if (slice.events.length > 0 && slice.writes + audience.readers.size > maxWrites) {
      // What the event adds to the slice: a `message` to a user already noticed in it joins theirs.
      let added = 0;
      notices.each(settingsFor, (kind, userId) => {
        if (kind !== 'message' || !slice.joined.has(userId)) added++;
      });
      if (slice.writes + added > maxWrites) {
        slices.push(slice.close(plan));
        slice = new OpenSlice();
      }
    }
    const open = slice;
    const at = open.events.length;
    const own: NotificationDraft[] = [];
    open.events.push(event);
    open.own.push(own);
    const senderId = event.sender_id ?? null;
    notices.each(settingsFor, (kind, userId, settings) => {
      if (kind !== 'message') {
        own.push(draftOf(notices, kind, userId, settings, plan));
        open.writes++;
        return;
      }
      const joined = open.joined.get(userId);
      if (!joined) {
        open.joined.set(userId, { userId, settings, notices, at, count: 1, senderId });
        open.writes++;
        return;
      }
      joined.notices = notices;
      joined.at = at;
      joined.count++;
      joined.senderId = joinedSender(joined.senderId, senderId);
    });
  }
  if (slice.events.length > 0) slices.push(slice.close(plan));
  return slices;
}
