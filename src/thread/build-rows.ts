import { layoutTimeline, type LayoutOptions } from '../core/timeline/layout-timeline.ts';
import type { RunView } from '../core/sync/run-state.ts';
import type { MessageItem, PendingMessageItem, RunItem, TimelineItem } from '../core/timeline/timeline-item.ts';

/** Messages of one sender closer than this are grouped under one header. */
const GROUP_WINDOW_MS = 5 * 60_000;

/**
 * One row of the inbox's message list: a timeline item, with messages marked `grouped`
 * when they continue the previous sender's run (no avatar or name again). Grouping is how
 * the inbox lays messages out, not a fact about the thread, so it stays here.
 */
export type Row =
  | Exclude<TimelineItem, MessageItem | PendingMessageItem | RunItem>
  | (RunItem & { queuedBehind?: 'approval' | 'run' })
  | (MessageItem & { grouped: boolean })
  | (PendingMessageItem & { grouped: boolean });

/** What a run that has not started waits for (see {@link queuedBehind}); null for any other run. */
export type QueuedBehind = 'approval' | 'run' | null;

/**
 * What a run that has not started waits for: an earlier run of its agent that awaits an
 * approval, or one still at work (runs of one agent in one thread go one at a time, in message
 * order, so an earlier run is one shown before it). Null for a run under way, over, or next.
 */
export function queuedBehind(run: RunView, earlier: readonly RunView[]): QueuedBehind {
  if (run.status !== 'queued' || run.finished) return null;
  let behind: QueuedBehind = null;
  for (const other of earlier) {
    if (other.finished || other.agentId !== run.agentId || other.status === 'failed') continue;
    if (other.approvals.some((approval) => approval.status === 'pending')) return 'approval';
    behind = 'run';
  }
  return behind;
}

export interface RowInput extends LayoutOptions {
  items: readonly TimelineItem[];
}

/**
 * The rows the list shows: the thread's timeline with day breaks and the unread marker
 * (`layoutTimeline`), minus the run steps a live run card already shows, with consecutive
 * messages grouped. Every rule about what the thread holds lives in `src/core/timeline`.
 */
export function buildRows({ items, ...layout }: RowInput): Row[] {
  const rows: Row[] = [];
  let previous: { senderId: string; time: number } | null = null;
  const groupedWith = (senderId: string, time: number) => {
    const grouped = previous !== null && previous.senderId === senderId && time - previous.time < GROUP_WINDOW_MS;
    previous = { senderId, time };
    return grouped;
  };
  const runs: RunView[] = [];
  for (const item of layoutTimeline(items, layout)) {
    switch (item.kind) {
      case 'run': {
        // Only a waiting run's row is a new object: the others stay the timeline's own item.
        const behind = queuedBehind(item.run, runs);
        rows.push(behind ? { ...item, queuedBehind: behind } : item);
        runs.push(item.run);
        previous = null;
        continue;
      }
      case 'message':
        rows.push({
          ...item,
          grouped: groupedWith(item.message.senderId, item.message.createdAt ? Date.parse(item.message.createdAt) : layout.now),
        });
        continue;
      case 'pending_message':
        rows.push({ ...item, grouped: groupedWith(layout.selfSenderId, item.item.createdAt) });
        continue;
      case 'approval':
      case 'escalation':
      case 'notice':
        // A run with a live card shows its own steps; they are not shown twice.
        if (item.inRunCard) continue;
        break;
      case 'streaming_reply':
      case 'day_break':
      case 'unread_marker':
        break;
    }
    rows.push(item);
    previous = null;
  }
  return rows;
}
