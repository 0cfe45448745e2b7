import * as v from 'valibot';
import type { HubTopic, TabHub } from '../tabs/tab-hub.ts';
import type { TabState } from '../tabs/tab-roster.ts';
import { notifyDecision, type NotifyDecision } from './notify-decision.ts';

/** Message ids remembered as handled (by any tab): a repeat of one (a catch-up, a relay) is never shown again. */
export const HANDLED_IDS_KEPT = 2_000;
/**
 * A follower keeps the messages it heard for this long: if it becomes the leader meanwhile
 * (the leader closed before deciding on them), it decides on them itself.
 */
export const PENDING_KEEP_MS = 10_000;
const PENDING_MAX = 200;
/**
 * Messages decided without a notification are told to the other tabs together, this often:
 * while a tab shows a busy thread, one message per batch instead of one per message (each one
 * is work for every other tab). A notification shown is told at once, with the batch, so a
 * new leader never shows it again; a skipped one that a crash kept from the others is decided
 * again by the new leader, and skipped again for the same reasons, or shown if the reasons changed.
 */
export const HANDLED_BATCH_MS = 250;
/** Message ids in one `handled` body, at most (a batch is posted before it grows past this). */
export const HANDLED_BATCH_MAX = 200;

/** The deciding tab tells the others which messages are handled (topic `notified` of the tab hub). */
export const notifiedMessageSchema = v.object({
  type: v.literal('handled'),
  messageIds: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(200))), v.minLength(1), v.maxLength(HANDLED_BATCH_MAX)),
});
type NotifiedMessage = v.InferOutput<typeof notifiedMessageSchema>;

/** A message that may deserve a notification. */
export interface NotifyCandidate {
  threadId: string;
  messageId: string;
  senderId: string;
  content: string;
}

export interface DesktopNotifierOptions {
  /** The user's tabs; null (or a hub alone): a single tab, which decides alone. */
  hub: TabHub | null;
  selfSenderId: string;
  /** Every live tab's state, this one included (the hub's `tabs()`). */
  tabs(): readonly TabState[];
  isMuted(threadId: string): boolean;
  /** Shows the notification (permission, text and click are the caller's). */
  show(candidate: NotifyCandidate): void;
  now?: () => number;
}

/**
 * Decides, once per message for all tabs of the user, whether it is shown as a desktop
 * notification: only the leader (or the single tab) decides and shows; it tells the others
 * the message is handled, so a tab that takes over later never shows it again. Messages a
 * follower heard are kept briefly, so those the old leader never decided on are not lost
 * in a hand-over.
 */
export class DesktopNotifier {
  private readonly handled = new Set<string>();
  private readonly pending = new Map<string, { candidate: NotifyCandidate; heardAt: number }>();
  private readonly topic: HubTopic<NotifiedMessage> | null;
  private readonly now: () => number;
  /** Handled here, not yet told to the other tabs. */
  private untold: string[] = [];
  private tellTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: DesktopNotifierOptions) {
    this.now = options.now ?? (() => Date.now());
    this.topic =
      options.hub?.join({
        topic: 'notified',
        schema: notifiedMessageSchema,
        onLeader: () => this.takeOver(),
        onLeave: () => this.tell(),
      }) ?? null;
    this.topic?.subscribe((message) => {
      for (const messageId of message.messageIds) this.markHandled(messageId);
    });
  }

  /** A message arrived in this tab (from its own socket or relayed by the leader). Returns what was decided, or null when not this tab's call. */
  consider(candidate: NotifyCandidate): NotifyDecision | 'handled' | null {
    if (this.handled.has(candidate.messageId)) return 'handled';
    if (this.topic && !this.topic.isLeader()) {
      this.keepPending(candidate);
      return null;
    }
    return this.decide(candidate);
  }

  stop(): void {
    this.tell();
    this.topic?.leave();
    this.pending.clear();
  }

  private decide(candidate: NotifyCandidate): NotifyDecision {
    const { options } = this;
    const decision = notifyDecision({
      threadId: candidate.threadId,
      senderId: candidate.senderId,
      selfSenderId: options.selfSenderId,
      muted: options.isMuted(candidate.threadId),
      tabs: options.tabs(),
    });
    this.markHandled(candidate.messageId);
    if (this.topic) {
      this.untold.push(candidate.messageId);
      if (decision === 'notify' || this.untold.length >= HANDLED_BATCH_MAX) this.tell();
      else this.tellTimer ??= setTimeout(() => this.tell(), HANDLED_BATCH_MS);
    }
    if (decision === 'notify') options.show(candidate);
    return decision;
  }

  /** Tells the other tabs what was handled here since the last time. */
  private tell(): void {
    clearTimeout(this.tellTimer);
    this.tellTimer = undefined;
    if (this.untold.length === 0) return;
    const messageIds = this.untold;
    this.untold = [];
    this.topic?.post({ type: 'handled', messageIds });
  }

  /** This tab became the leader: what it heard and nobody decided on is decided now. */
  private takeOver(): void {
    const cutoff = this.now() - PENDING_KEEP_MS;
    const due = [...this.pending.values()].filter((entry) => entry.heardAt >= cutoff).map((entry) => entry.candidate);
    this.pending.clear();
    for (const candidate of due) if (!this.handled.has(candidate.messageId)) this.decide(candidate);
  }

  private keepPending(candidate: NotifyCandidate): void {
    this.pending.set(candidate.messageId, { candidate, heardAt: this.now() });
    if (this.pending.size > PENDING_MAX) this.pending.delete(this.pending.keys().next().value!);
  }

  private markHandled(messageId: string): void {
    this.handled.add(messageId);
    this.pending.delete(messageId);
    if (this.handled.size > HANDLED_IDS_KEPT) this.handled.delete(this.handled.values().next().value!);
  }
}
