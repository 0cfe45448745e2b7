/**
 * Emphasis, strong and GFM strikethrough by CommonMark's reference algorithm (spec appendix
 * "Processing emphasis"): delimiter runs go on a stack; a closer looks back for its opener,
 * and where none was found the search floor for that kind (character, can-open, length mod 3)
 * is raised, so no closer of a kind passes the same delimiters twice (`openers_bottom`).
 */
import { newNode, type Node } from './inline-nodes.ts';
import type { InlineList } from './inline-list.ts';
import { charAt, charBefore, PUNCTUATION, WHITESPACE } from './inline-syntax.ts';

/** A run of `*`, `_` or `~` that may open or close, on the stack. */
export interface Delimiter {
  char: string;
  /** Delimiters not yet used, and the run's length as written. */
  count: number;
  length: number;
  canOpen: boolean;
  canClose: boolean;
  node: Node;
  serial: number;
  prev: Delimiter | null;
  next: Delimiter | null;
}

/** The delimiter stack of one text, and the matching that turns it into emphasis. */
export class DelimiterStack {
  /** The last delimiter pushed and not yet matched or dropped. */
  top: Delimiter | null = null;
  private serial = 0;

  constructor(
    private readonly source: string,
    private readonly list: InlineList,
  ) {}

  /** The run of `char` at `start..end` (already appended as `node`): pushed if it may open or close. */
  push(char: string, start: number, end: number, node: Node): void {
    const source = this.source;
    const length = end - start;
    const before = charBefore(source, start);
    const after = charAt(source, end);
    const beforeSpace = WHITESPACE.test(before);
    const afterSpace = WHITESPACE.test(after);
    const beforePunctuation = PUNCTUATION.test(before);
    const afterPunctuation = PUNCTUATION.test(after);
    const leftFlanking = !afterSpace && (!afterPunctuation || beforeSpace || beforePunctuation);
    const rightFlanking = !beforeSpace && (!beforePunctuation || afterSpace || afterPunctuation);
    const canOpen = char === '_' ? leftFlanking && (!rightFlanking || beforePunctuation) : leftFlanking;
    const canClose = char === '_' ? rightFlanking && (!leftFlanking || afterPunctuation) : rightFlanking;
    // GFM strikethrough takes one or two tildes; a longer run is words.
    if ((!canOpen && !canClose) || (char === '~' && length > 2)) return;
    const delimiter: Delimiter = {
      char,
      count: length,
      length,
      canOpen,
      canClose,
      node,
      serial: this.serial++,
      prev: this.top,
      next: null,
    };
    if (this.top) this.top.next = delimiter;
    this.top = delimiter;
  }

  /** Matches the delimiters above `bottom` into emphasis, strong and strikethrough, then drops them. */
  process(bottom: Delimiter | null): void {
    const bottomSerial = bottom ? bottom.serial : -1;
    /** By kind of closer: no opener for it at or below this serial. */
    const floors = new Map<string, number>();
    let closer = this.top;
    while (closer?.prev && closer.prev.serial > bottomSerial) closer = closer.prev;
    if (closer && closer.serial <= bottomSerial) closer = null;
    while (closer) {
      if (!closer.canClose) {
        closer = closer.next;
        continue;
      }
      const char = closer.char;
      const kind = char === '~' ? `~${closer.length}` : `${char}${closer.canOpen ? 3 : 0}${closer.length % 3}`;
      const floor = Math.max(bottomSerial, floors.get(kind) ?? -1);
      let opener = closer.prev;
      while (opener && opener.serial > floor) {
        if (opener.char === char && opener.canOpen) {
          // The rule of 3: a run that can both open and close matches only if the lengths' sum is not a multiple of 3.
          const oddMatch = (closer.canOpen || opener.canClose) && closer.length % 3 !== 0 && (opener.length + closer.length) % 3 === 0;
          if (char === '~' ? opener.length === closer.length : !oddMatch) break;
        }
        opener = opener.prev;
      }
      if (!opener || opener.serial <= floor) {
        floors.set(kind, closer.prev ? closer.prev.serial : -1);
        const next = closer.next;
        if (!closer.canOpen) this.remove(closer);
        closer = next;
        continue;
      }
      closer = this.match(opener, closer);
    }
    while (this.top && this.top.serial > bottomSerial) this.top = this.top.prev;
    if (this.top) this.top.next = null;
  }

  /** Wraps what stands between `opener` and `closer` in emphasis; the closer to look at next. */
  private match(opener: Delimiter, closer: Delimiter): Delimiter | null {
    const char = closer.char;
    const used = char === '~' ? closer.count : closer.count >= 2 && opener.count >= 2 ? 2 : 1;
    const openerNode = opener.node;
    const closerNode = closer.node;
    opener.count -= used;
    closer.count -= used;
    openerNode.text = openerNode.text.slice(used);
    closerNode.text = closerNode.text.slice(used);
    const type = char === '~' ? 'delete' : used === 1 ? 'emphasis' : 'strong';
    this.list.wrap(newNode(type, '', openerNode.start + opener.count, closerNode.start + used), openerNode, closerNode);
    closerNode.start += used;
    // The delimiters between are words now.
    opener.next = closer;
    closer.prev = opener;
    if (opener.count === 0) {
      this.list.unlink(openerNode);
      this.remove(opener);
    }
    if (closer.count > 0) return closer;
    this.list.unlink(closerNode);
    const next = closer.next;
    this.remove(closer);
    return next;
  }

  private remove(delimiter: Delimiter): void {
    if (delimiter.prev) delimiter.prev.next = delimiter.next;
    if (delimiter.next) delimiter.next.prev = delimiter.prev;
    else this.top = delimiter.prev;
  }
}
