import type { InboundThread } from '../protocol/rest-schemas.ts';
import { countUnreadSeqs, isFromOthers } from '../unread/unread-count.ts';

/** Seqs of others' messages remembered per thread for unread counts; older ones are forgotten. */
export const MAX_TRACKED_FROM_OTHERS = 500;

/** What the engine knows about any thread it hears of, opened or not: for the thread list. */
export interface ThreadSummary {
  threadId: string;
  /** The highest seq seen. */
  lastSeq: number;
  /** The newest message seen (by seq); `seq` is null for a seed server's message without one. */
  lastMessage: { senderId: string; content: string; createdAt: string | null; seq: number | null } | null;
  /** The highest read position told (`thread_read`). */
  readSeq: number;
  /** Seqs of messages from others, each once, ascending. */
  fromOthers: readonly number[];
}

export interface SummaryMessage {
  seq: number | null;
  senderId: string;
  content: string;
  createdAt: string | null;
}

const empty = (threadId: string): ThreadSummary => ({ threadId, lastSeq: 0, lastMessage: null, readSeq: 0, fromOthers: [] });

/**
 * Per-thread summaries, deduplicated by seq in one place: a message delivered twice (a
 * frame, then a catch-up; a send's answer, then its frame) counts once. Each change gives
 * a new summary object; a duplicate gives null.
 */
export class ThreadSummaries {
  private readonly summaries = new Map<string, ThreadSummary>();

  constructor(private readonly selfSenderId: string) {}

  get(threadId: string): ThreadSummary {
    return this.summaries.get(threadId) ?? empty(threadId);
  }

  private set(summary: ThreadSummary): ThreadSummary {
    this.summaries.set(summary.threadId, summary);
    return summary;
  }

  /** A committed message; null when it changes nothing (already seen). */
  message(threadId: string, message: SummaryMessage): ThreadSummary | null {
    const current = this.get(threadId);
    const { seq } = message;
    if (seq === null) {
      // A seed server's message without a seq: the newest there is, counted by no seq.
      return this.set({ ...current, lastMessage: { ...message, seq: null } });
    }
    const fromOther = isFromOthers(message, this.selfSenderId);
    const counted = !fromOther || current.fromOthers.includes(seq);
    const newest = seq > current.lastSeq || (current.lastMessage?.seq ?? 0) < seq;
    if (counted && !newest) return null;
    let fromOthers = current.fromOthers;
    if (!counted) {
      fromOthers = [...fromOthers, seq].sort((a, b) => a - b);
      if (fromOthers.length > MAX_TRACKED_FROM_OTHERS) fromOthers = fromOthers.slice(-MAX_TRACKED_FROM_OTHERS);
    }
    return this.set({
      ...current,
      lastSeq: Math.max(current.lastSeq, seq),
      lastMessage: newest ? { ...message, seq } : current.lastMessage,
      fromOthers,
    });
  }

  /** Any other durable event: only its seq matters here. */
  seq(threadId: string, seq: number): ThreadSummary | null {
    const current = this.get(threadId);
    return seq > current.lastSeq ? this.set({ ...current, lastSeq: seq }) : null;
  }

  read(threadId: string, readSeq: number): ThreadSummary | null {
    const current = this.get(threadId);
    return readSeq > current.readSeq ? this.set({ ...current, readSeq }) : null;
  }
}

/**
 * A thread as the list shows it: the server's copy (REST) brought up to date with what the
 * engine has seen since. Idempotent: merging the same summary again changes nothing, so a
 * message is counted unread once however often it was delivered. Returns `thread` itself
 * when nothing changed.
 */
export function mergeSummary(thread: InboundThread, summary: ThreadSummary, nowIso: () => string): InboundThread {
  const known = thread.last_seq ?? 0;
  const lastSeq = Math.max(known, summary.lastSeq);
  const message = summary.lastMessage;
  const newer =
    message !== null && (message.seq === null ? message.content !== thread.last_message?.content : message.seq > known) ? message : null;
  const readSeq = Math.max(thread.read_seq, summary.readSeq);
  const unread =
    readSeq >= lastSeq && summary.readSeq > 0
      ? 0
      : serverPartUnread(thread, summary, known, readSeq) + countUnreadSeqs(Math.max(known, readSeq), summary.fromOthers);
  if (lastSeq === known && !newer && unread === thread.unread_count && readSeq === thread.read_seq) return thread;
  const createdAt = newer ? (newer.createdAt ?? nowIso()) : null;
  return {
    ...thread,
    last_seq: thread.last_seq === undefined && summary.lastSeq === 0 ? undefined : lastSeq,
    read_seq: readSeq,
    unread_count: unread,
    ...(newer && createdAt
      ? { last_message: { sender_id: newer.senderId, content: newer.content, created_at: createdAt }, updated_at: createdAt }
      : {}),
  };
}

/**
 * What is left unread of the server's count (messages up to `known`) once the read position
 * moved to `readSeq`: nothing when it passed `known`; else the count less the others'
 * messages the engine saw between the old and the new position.
 */
function serverPartUnread(thread: InboundThread, summary: ThreadSummary, known: number, readSeq: number): number {
  if (summary.readSeq >= known && summary.readSeq > 0) return 0;
  const nowRead = countUnreadSeqs(thread.read_seq, summary.fromOthers) - countUnreadSeqs(Math.min(readSeq, known), summary.fromOthers);
  return Math.max(0, thread.unread_count - Math.max(0, nowRead));
}
