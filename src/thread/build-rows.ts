import type { TimelineItem } from '../core/engine/thread-snapshot.ts';
import type { EventEntry, MessageView } from '../core/sync/log-entry.ts';
import type { OutboxItem } from '../core/sync/outbox.ts';
import { runIdOf, type ApprovalView, type RunView } from '../core/sync/run-state.ts';

/** Messages of one sender closer than this are grouped under one header. */
const GROUP_WINDOW_MS = 5 * 60_000;

export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: MessageView; grouped: boolean }
  | { kind: 'pending'; key: string; item: OutboxItem; grouped: boolean }
  | { kind: 'event'; key: string; entry: EventEntry }
  /** An approval the log says is still waiting, for someone who missed the run's live card. */
  | { kind: 'approval'; key: string; approval: ApprovalView; requestedBy: string }
  | { kind: 'run'; key: string; run: RunView }
  /** An agent reply still streaming; its committed message later takes the same key. */
  | { kind: 'streaming'; key: string; run: RunView };


const replyKey = (runId: string) => `reply|${runId}`;

function dayLabel(time: number, now: number): string {
  const day = new Date(time);
  const today = new Date(now);
  const startOf = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const diff = Math.round((startOf(today) - startOf(day)) / 86_400_000);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Yesterday';
  return day.toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: day.getFullYear() === today.getFullYear() ? undefined : 'numeric' });
}

const dayKey = (time: number) => {
  const date = new Date(time);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
};

export interface RowInput {
  items: readonly TimelineItem[];
  runs: readonly RunView[];
  /**
   * What was unread when the thread was opened: the divider goes before the first message
   * from others in `(readSeq, lastSeq]`. Messages that arrive while the thread is open are
   * being read as they come and get no divider.
   */
  unreadAtOpen: { readSeq: number; lastSeq: number } | null;
  selfSenderId: string;
  now: number;
}

/**
 * Turns a thread snapshot into the rows the list shows: day separators, the unread
 * divider, grouped messages, one card per agent run after the message that started it,
 * and the reply that is still streaming. A run's committed reply takes the streaming
 * row's key, so the row is updated in place instead of replaced.
 */
export function buildRows({ items, runs, unreadAtOpen, selfSenderId, now }: RowInput): Row[] {
  const rows: Row[] = [];
  const runsByTrigger = new Map<string, RunView[]>();
  const runByReply = new Map<string, RunView>();
  const runIds = new Set<string>();
  for (const run of runs) {
    runIds.add(run.runId);
    if (run.replyMessageId) runByReply.set(run.replyMessageId, run);
    if (run.inReplyTo) runsByTrigger.set(run.inReplyTo, [...(runsByTrigger.get(run.inReplyTo) ?? []), run]);
  }
  const placedRuns = new Set<string>();
  // Approvals settled later in the log are not offered again.
  const settled = new Set(
    items.flatMap((item) =>
      item.kind === 'event' && (item.entry.type === 'approval_resolved' || item.entry.type === 'approval_expired') && typeof item.entry.data.approval_id === 'string'
        ? [item.entry.data.approval_id]
        : [],
    ),
  );
  const committedIds = new Set(items.flatMap((item) => (item.kind === 'message' ? [item.message.id] : [])));
  let lastDay = '';
  let previous: { senderId: string; time: number } | null = null;
  let unreadPlaced = false;

  const separate = (time: number) => {
    const key = dayKey(time);
    if (key !== lastDay) {
      lastDay = key;
      rows.push({ kind: 'day', key: `day|${key}`, label: dayLabel(time, now) });
      previous = null;
    }
  };
  const groupedWith = (senderId: string, time: number) => {
    const grouped = previous !== null && previous.senderId === senderId && time - previous.time < GROUP_WINDOW_MS;
    previous = { senderId, time };
    return grouped;
  };

  for (const item of items) {
    if (item.kind === 'event') {
      // Events of a run with a live card are shown in the card, not twice.
      const runId = runIdOf(item.entry);
      if (runId && runIds.has(runId)) continue;
      if (item.entry.createdAt) separate(Date.parse(item.entry.createdAt));
      const data = item.entry.data;
      const expiresAt = typeof data.expires_at === 'string' ? data.expires_at : null;
      if (
        item.entry.type === 'approval_pending' &&
        typeof data.approval_id === 'string' &&
        // Past its expiry it still shows, as "expired", until the log says how it ended.
        !settled.has(data.approval_id)
      ) {
        rows.push({
          kind: 'approval',
          key: item.key,
          requestedBy: item.entry.senderId,
          approval: {
            id: data.approval_id,
            toolName: typeof data.tool_name === 'string' ? data.tool_name : 'tool',
            preview: data.preview ?? null,
            expiresAt,
            status: 'pending',
            decidedBy: null,
          },
        });
      } else {
        rows.push({ kind: 'event', key: item.key, entry: item.entry });
      }
      previous = null;
      continue;
    }
    if (item.kind === 'pending') {
      separate(item.item.createdAt);
      rows.push({ kind: 'pending', key: item.key, item: item.item, grouped: groupedWith(selfSenderId, item.item.createdAt) });
      continue;
    }
    const message = item.message;
    const time = message.createdAt ? Date.parse(message.createdAt) : now;
    separate(time);
    if (
      !unreadPlaced &&
      unreadAtOpen !== null &&
      message.seq > unreadAtOpen.readSeq &&
      message.seq <= unreadAtOpen.lastSeq &&
      message.senderId !== selfSenderId
    ) {
      rows.push({ kind: 'unread', key: 'unread' });
      unreadPlaced = true;
      previous = null;
    }
    const replyOf = runByReply.get(message.id);
    rows.push({ kind: 'message', key: replyOf ? replyKey(replyOf.runId) : item.key, message, grouped: groupedWith(message.senderId, time) });
    for (const run of runsByTrigger.get(message.id) ?? []) {
      rows.push({ kind: 'run', key: `run|${run.runId}`, run });
      placedRuns.add(run.runId);
      previous = null;
    }
  }
  for (const run of runs) {
    if (!placedRuns.has(run.runId) && !(run.finished && run.status === 'committed')) {
      rows.push({ kind: 'run', key: `run|${run.runId}`, run });
    }
  }
  for (const run of runs) {
    const streaming = (run.status === 'streaming' || (run.status === 'committed' && run.text)) && !(run.replyMessageId && committedIds.has(run.replyMessageId));
    if (streaming && run.text && run.status !== 'failed') rows.push({ kind: 'streaming', key: replyKey(run.runId), run });
  }
  return rows;
}
