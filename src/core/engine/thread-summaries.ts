import type { InboundThread } from '../protocol/rest-schemas.ts';

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
    const fromOther = message.senderId !== this.selfSenderId;
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
  const fresh = summary.fromOthers.reduce((count, seq) => (seq > known ? count + 1 : count), 0);
  const readSeq = Math.max(thread.read_seq, summary.readSeq);
  const told = summary.readSeq > 0 && (readSeq >= lastSeq || summary.readSeq > thread.read_seq);
  const unread = told ? unreadAfterRead(thread, summary, readSeq) : thread.unread_count + fresh;
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
 * The list's unread count once a read position newer than its own is told (read here, or on
 * another device, up to the end or part way). Messages from others after it are unread:
 * exact when the list counted only messages the engine has seen, or when the read passes
 * everything the list counted. Otherwise (a part-way read inside unread messages from before
 * the engine started) the list keeps its count, less nothing, until it is fetched again.
 */
function unreadAfterRead(thread: InboundThread, summary: ThreadSummary, readSeq: number): number {
  const known = thread.last_seq ?? 0;
  const counted = summary.fromOthers.filter((seq) => seq > thread.read_seq && seq <= known).length;
  const fromOthersAfter = summary.fromOthers.filter((seq) => seq > readSeq).length;
  if (readSeq >= known || counted === thread.unread_count) return fromOthersAfter;
  return thread.unread_count + summary.fromOthers.filter((seq) => seq > known).length;
}
