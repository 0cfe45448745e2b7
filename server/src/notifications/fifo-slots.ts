/** Callers served before the line's array drops them (see `admit`). */
const COMPACT_AFTER = 1_024;

/**
 * At most `size` holders at a time, the rest waiting in line in the order they asked, let in
 * `group` at a time: the delivery queue's users take turns with it (see `DELIVERY_CONCURRENCY`),
 * so a busy thread's thousand readers are pushed to in a steady round, each reading its
 * notification when its turn comes rather than all at once at the start of the round. Letting
 * waiters in together (once `group` slots are free, or as many as wait) keeps their storage
 * steps joined in one statement each, as when they were woken together.
 */
export class FifoSlots {
  private free: number;
  private line: (() => void)[] = [];
  /** The first in line: an index, so that a line of a thousand is not shifted for each turn. */
  private head = 0;

  constructor(
    readonly size: number,
    readonly group = 1,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a whole number of at least 1, got ${size}.`);
    if (!Number.isInteger(group) || group < 1 || group > size)
      throw new RangeError(`group must be a whole number from 1 to size (${size}), got ${group}.`);
    this.free = size;
  }

  /** Resolves once a slot is this caller's; give it back with {@link release}, exactly once. */
  acquire(): Promise<void> {
    // Nobody in line: a free slot is taken at once.
    if (this.free > 0 && this.waiting === 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.line.push(resolve);
      this.admit();
    });
  }

  /** Gives a slot back; the next in line get it once a group's worth is free. */
  release(): void {
    if (this.free >= this.size) throw new Error('a slot was released that was not held');
    this.free++;
    this.admit();
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.line.length - this.head;
  }

  private admit(): void {
    const waiting = this.waiting;
    if (waiting === 0 || this.free < Math.min(this.group, waiting)) return;
    const admitted = Math.min(this.free, waiting);
    this.free -= admitted;
    const resolves = this.line.slice(this.head, this.head + admitted);
    this.head += admitted;
    // The served part goes once it is most of the array: a line that never empties (a thread
    // busy for hours) would otherwise keep every caller it ever had.
    if (this.head === this.line.length || (this.head >= COMPACT_AFTER && this.head * 2 >= this.line.length)) {
      this.line = this.line.slice(this.head);
      this.head = 0;
    }
    for (const resolve of resolves) resolve();
  }
}
