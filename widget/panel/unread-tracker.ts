import type { ThreadSnapshot } from '../../src/core/session/thread-snapshot.ts';
import { countUnread } from '../../src/core/unread/unread-count.ts';
import type { HostEvents } from './host-events.ts';
import type { StoredVisitor } from './stored-visitor.ts';

/** How the panel shows the thread, for the count. */
export interface UnreadView {
  open: boolean;
  /** "New conversation" hid the history up to here: none of it is unread. */
  hiddenThroughSeq: number;
  selfSenderId: string;
}

/**
 * The visitor's read position and unread count (kept in the visitor record, so the other
 * tabs and the next page view agree): the thread is read while the panel is open, and
 * counted (core's one unread rule) while it is closed.
 */
export class UnreadTracker {
  /** A thread resolved just now (not resumed from storage) starts read up to its history. */
  baselinePending = false;

  constructor(
    private readonly visitor: StoredVisitor,
    private readonly events: HostEvents,
  ) {}

  /** The thread changed (or the panel opened): read it, or count what is new. */
  threadChanged(snapshot: ThreadSnapshot, view: UnreadView): void {
    if (!snapshot.loaded) return;
    const latest = snapshot.health.appliedSeq;
    if (this.baselinePending) {
      // Counting starts once the history is in: until then, every old message would look new.
      if (snapshot.health.status !== 'synced') return;
      this.baselinePending = false;
      this.markRead(latest);
    }
    if (view.open) {
      this.markRead(latest);
      return;
    }
    const floor = Math.max(this.visitor.record.appliedSeq, view.hiddenThroughSeq);
    const messages = snapshot.items.flatMap((item) => (item.kind === 'message' ? [item.message] : []));
    this.set(countUnread(floor, messages, view.selfSenderId));
  }

  private markRead(seq: number): void {
    if (seq > this.visitor.record.appliedSeq) this.visitor.update({ appliedSeq: seq });
    this.set(0);
  }

  /** `save`: false when the count comes from another tab, which saved it (saving again would echo back). */
  set(count: number, save = true): void {
    if (count === this.visitor.record.unread) return;
    this.visitor.update({ unread: count }, save);
    this.events.unread(count);
  }
}
