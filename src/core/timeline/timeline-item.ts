import type { EventEntry, MessageView } from '../sync/log-entry.ts';
import type { OutboxItem } from '../sync/outbox.ts';
import type { ApprovalView, RunView } from '../sync/run-state.ts';

/**
 * One item of a thread's timeline, as both clients show it. Keys are stable: a message the
 * user sent keeps the key of its pending copy, and an agent's committed reply keeps the
 * key of its streaming copy ({@link replyKey}), so the UI updates a row in place.
 */
export type TimelineItem =
  | MessageItem
  | PendingMessageItem
  | RunItem
  | StreamingReplyItem
  | ApprovalItem
  | EscalationItem
  | NoticeItem
  | DayBreakItem
  | UnreadMarkerItem;

/** A committed message. `runId`: the run whose reply it is, if any. */
export interface MessageItem {
  kind: 'message';
  key: string;
  message: MessageView;
  runId: string | null;
}

/** A message of the user's that is not committed yet (the outbox). */
export interface PendingMessageItem {
  kind: 'pending_message';
  key: string;
  item: OutboxItem;
}

/** An agent run with its steps (decisions, tool calls, approvals, escalations), after the message that started it. */
export interface RunItem {
  kind: 'run';
  key: string;
  run: RunView;
}

/** An agent reply still streaming; its committed message later takes the same key. */
export interface StreamingReplyItem {
  kind: 'streaming_reply';
  key: string;
  run: RunView;
  senderId: string | null;
  text: string;
}

/** An approval the log holds, with how it ended (or `pending`) and its deadline. */
export interface ApprovalItem {
  kind: 'approval';
  key: string;
  seq: number;
  createdAt: string | null;
  approval: ApprovalView;
  requestedBy: string;
  runId: string | null;
  /** The run has a live card that shows this approval too. */
  inRunCard: boolean;
}

export interface EscalationItem {
  kind: 'escalation';
  key: string;
  seq: number;
  createdAt: string | null;
  senderId: string;
  to: string;
  reason: string;
  runId: string | null;
  inRunCard: boolean;
}

/**
 * Any other durable event, shown as a line of text (someone joined, the mode changed, a
 * tool call, how an approval ended, a failed run).
 */
export interface NoticeItem {
  kind: 'notice';
  key: string;
  seq: number;
  entry: EventEntry;
  runId: string | null;
  inRunCard: boolean;
}

/** Starts a new calendar day; `daysAgo` is 0 for today, 1 for yesterday (see `layoutTimeline`). */
export interface DayBreakItem {
  kind: 'day_break';
  key: string;
  /** `YYYY-MM-DD` in the time zone it was laid out in. */
  day: string;
  /** Epoch ms of the first item of that day. */
  time: number;
  daysAgo: number;
}

/** Goes before the first message that was unread when the thread was opened. */
export interface UnreadMarkerItem {
  kind: 'unread_marker';
  key: 'unread';
}

/** The key a user's own message shares with its pending copy. */
export const timelineKey = (senderId: string, clientMessageId: string) => `${senderId}|${clientMessageId}`;

/** The key an agent's reply shares between its streaming and its committed copy. */
export const replyKey = (runId: string) => `reply|${runId}`;

export const runKey = (runId: string) => `run|${runId}`;
