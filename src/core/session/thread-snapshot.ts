import type { ConnectionState } from '../connection/connection.ts';
import type { RunView } from '../sync/run-state.ts';
import type { ThreadLog } from '../sync/thread-log.ts';
import type { TimelineItem } from '../timeline/timeline-item.ts';

export type SyncStatus = 'synced' | 'catching_up' | 'offline' | 'failed';

/** How current a thread is, for the header ("synced · #1234", "catching up…", "offline"). */
export interface SyncHealth {
  appliedSeq: number;
  /** The highest seq the server is known to have. */
  serverSeq: number;
  status: SyncStatus;
}

/** What composing a reply knows: how many messages from others arrived since it started. */
export interface ComposeState {
  baseSeq: number;
  newFromOthers: number;
}

/** Everything the UI shows for one thread; the same object until something in it changes. */
export interface ThreadSnapshot {
  threadId: string;
  /** The log has its window (false while the first page loads). */
  loaded: boolean;
  /** The timeline (see `readTimeline`): messages, pending sends, runs, the streaming reply, approvals, notices. */
  items: readonly TimelineItem[];
  hasOlder: boolean;
  loadingOlder: boolean;
  /** The window ends before the newest events (opened around an older message); they load as the reader scrolls down. */
  hasNewer: boolean;
  health: SyncHealth;
  typing: readonly string[];
  present: readonly string[];
  /** The thread's runs, settled against the log (a run whose reply is in the log is finished). */
  runs: readonly RunView[];
  compose: ComposeState | null;
  /**
   * [ext] The thread is gone (CONTRACT §14): a `thread_deleted` arrived, or the server answered
   * `404` for it. Nothing more loads; the UI says so in words and moves on.
   */
  deleted: boolean;
}

export function healthOf(log: ThreadLog | undefined, connection: ConnectionState): SyncHealth {
  const appliedSeq = log?.appliedSeq ?? 0;
  const serverSeq = Math.max(log?.serverSeq ?? 0, appliedSeq);
  let status: SyncStatus;
  if (log?.status === 'failed') status = 'failed';
  else if (connection.status !== 'open' && connection.status !== 'connecting') status = 'offline';
  // A detached window is behind the server on purpose: it is as synced as what it shows.
  else if (!log || log.status === 'loading' || log.status === 'catching_up' || (!log.detached && serverSeq > appliedSeq))
    status = 'catching_up';
  else status = 'synced';
  return { appliedSeq, serverSeq, status };
}
