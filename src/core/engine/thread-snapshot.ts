import type { ConnectionState } from '../connection/connection.ts';
import type { EventEntry, LogEntry, MessageView } from '../sync/log-entry.ts';
import type { OutboxItem } from '../sync/outbox.ts';
import type { RunView } from '../sync/run-state.ts';
import type { ThreadLog } from '../sync/thread-log.ts';

type SyncStatus = 'synced' | 'catching_up' | 'offline' | 'failed';

/** How current a thread is, for the header ("synced · #1234", "catching up…", "offline"). */
export interface SyncHealth {
  appliedSeq: number;
  /** The highest seq the server is known to have. */
  serverSeq: number;
  status: SyncStatus;
}

/**
 * One row of a thread's timeline. Keys are stable across the optimistic → committed
 * hand-over: a message the user sent keeps the key of its pending copy, so the UI updates
 * that row in place instead of removing one and adding another.
 */
export type TimelineItem =
  | { kind: 'message'; key: string; message: MessageView }
  | { kind: 'pending'; key: string; item: OutboxItem }
  | { kind: 'event'; key: string; entry: EventEntry };

/** What composing a reply knows: how many messages from others arrived since it started. */
interface ComposeState {
  baseSeq: number;
  newFromOthers: number;
}

/** Everything the UI shows for one thread; the same object until something in it changes. */
export interface ThreadSnapshot {
  threadId: string;
  /** The log has its window (false while the first page loads). */
  loaded: boolean;
  items: readonly TimelineItem[];
  hasOlder: boolean;
  loadingOlder: boolean;
  health: SyncHealth;
  typing: readonly string[];
  present: readonly string[];
  runs: readonly RunView[];
  compose: ComposeState | null;
}

const timelineKey = (senderId: string, clientMessageId: string) => `${senderId}|${clientMessageId}`;

export function healthOf(log: ThreadLog | undefined, connection: ConnectionState): SyncHealth {
  const appliedSeq = log?.appliedSeq ?? 0;
  const serverSeq = Math.max(log?.serverSeq ?? 0, appliedSeq);
  let status: SyncStatus;
  if (log?.status === 'failed') status = 'failed';
  else if (connection.status !== 'open' && connection.status !== 'connecting') status = 'offline';
  else if (!log || log.status === 'loading' || log.status === 'catching_up' || serverSeq > appliedSeq) status = 'catching_up';
  else status = 'synced';
  return { appliedSeq, serverSeq, status };
}

/**
 * Merges the committed log with the outbox: committed entries in seq order, then the
 * user's messages that are not committed yet, in the order they were written. A pending
 * message whose committed copy is in the log is not shown: never both.
 */
export function buildTimeline(entries: readonly LogEntry[], outbox: readonly OutboxItem[], selfSenderId: string): TimelineItem[] {
  const committedClientIds = new Set<string>();
  const items: TimelineItem[] = [];
  for (const entry of entries) {
    if (entry.kind === 'event') {
      items.push({ kind: 'event', key: `event|${entry.key}`, entry });
      continue;
    }
    const message = entry;
    const own = message.senderId === selfSenderId && message.clientMessageId;
    if (own) committedClientIds.add(message.clientMessageId!);
    items.push({ kind: 'message', key: own ? timelineKey(selfSenderId, message.clientMessageId!) : `message|${message.id}`, message });
  }
  for (const item of outbox) {
    if (committedClientIds.has(item.clientMessageId)) continue;
    items.push({ kind: 'pending', key: timelineKey(selfSenderId, item.clientMessageId), item });
  }
  return items;
}
