/**
 * The block half of message markdown: CommonMark 0.31's block structure (paragraphs, ATX
 * and setext headings, thematic breaks, indented and fenced code, quotes, lists tight and
 * loose, HTML blocks, link reference definitions) plus GFM tables, in one pass over the
 * lines (the spec's appendix "A parsing strategy", as in commonmark.js).
 *
 * Each line is matched against the open containers, then new blocks may start on what is
 * left of it; nothing is ever re-read, so the time is linear in the text times the open
 * containers, which are bounded: past `MAX_NESTING_DEPTH` a quote or list marker is words.
 */
import { BLOCK_STARTS } from './block-starts.ts';
import { CLOSING_FENCE, CODE_INDENT, HTML_BLOCK_CLOSE, MAYBE_SPECIAL } from './block-syntax.ts';
import { matchAt, unescape } from './inline-syntax.ts';
import { newDefinitionMap, takeDefinitions, type LinkDefinitionMap } from './link-definitions.ts';

export type BlockKind = 'document' | 'quote' | 'list' | 'item' | 'paragraph' | 'heading' | 'rule' | 'code' | 'html' | 'table';

/** A list marker's facts: items of one list share kind, bullet and delimiter. */
export interface ListMarker {
  ordered: boolean;
  bullet: string;
  start: number;
  delimiter: string;
  /** Columns from the marker's start to the item's content, and the marker's own indent. */
  padding: number;
  markerOffset: number;
}

/** A block being parsed (and, once closed, parsed). */
export interface Block {
  kind: BlockKind;
  parent: Block | null;
  children: Block[];
  open: boolean;
  /** Its nesting in the tree: quotes and list items add one for their children. */
  depth: number;
  startLine: number;
  endLine: number;
  /** A leaf's lines as they arrived (a table's: its delimiter row, then its rows). */
  lines: string[];
  /**
   * A paragraph's or heading's words, a fenced code block's info string, a table's header
   * row; a code block's or HTML block's content once closed.
   */
  text: string;
  level: number;
  marker: ListMarker | null;
  tight: boolean;
  fence: { char: string; length: number; offset: number } | null;
  htmlKind: number;
}

/** The parsed document and the link reference definitions found in it. */
export interface ParsedBlocks {
  document: Block;
  definitions: LinkDefinitionMap;
}

/** Parses markdown (line endings already `\n`) into blocks; the words inside are left for the inline parser. */
export function parseBlocks(text: string): ParsedBlocks {
  const parser = new BlockParser();
  const lines = text.replace(/\0/g, '\ufffd').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) parser.incorporateLine(line);
  while (parser.tip) parser.finalize(parser.tip, lines.length);
  return { document: parser.document, definitions: parser.definitions };
}

/** The depth the children of `block` have in the tree. */
export function childDepth(block: Block): number {
  return block.kind === 'list' ? block.depth : block.depth + 1;
}

function newBlock(kind: BlockKind, parent: Block | null, line: number): Block {
  return {
    kind,
    parent,
    children: [],
    open: true,
    depth: parent ? childDepth(parent) : -1,
    startLine: line,
    endLine: line,
    lines: [],
    text: '',
    level: 0,
    marker: null,
    tight: true,
    fence: null,
    htmlKind: 0,
  };
}

function acceptsLines(kind: BlockKind): boolean {
  return kind === 'paragraph' || kind === 'code' || kind === 'html' || kind === 'table';
}

function canContain(parent: BlockKind, child: BlockKind): boolean {
  if (parent === 'list') return child === 'item';
  return (parent === 'document' || parent === 'quote' || parent === 'item') && child !== 'item';
}

export const isSpaceOrTab = (char: string | undefined) => char === ' ' || char === '\t';

/** Line-by-line state, in the shape the block starts (`block-starts.ts`) read and move. */
export class BlockParser {
  readonly document: Block = newBlock('document', null, 0);
  readonly definitions = newDefinitionMap();
  /** The innermost open block (null once the document is closed). */
  tip: Block | null = this.document;
  private oldTip: Block = this.document;
  private lastMatched: Block = this.document;
  line = '';
  lineNumber = 0;
  /** Where the line is read from, as an index and as a column (tabs stop every 4). */
  offset = 0;
  column = 0;
  nextNonspace = 0;
  private nextNonspaceColumn = 0;
  indent = 0;
  indented = false;
  blank = false;
  private partiallyConsumedTab = false;
  allClosed = true;

  incorporateLine(line: string): void {
    let container = this.document;
    this.oldTip = this.tip!;
    this.offset = 0;
    this.column = 0;
    this.blank = false;
    this.partiallyConsumedTab = false;
    this.lineNumber++;
    this.line = line;
    // Which open blocks does this line continue?
    for (let last = container.children.at(-1); last?.open; last = container.children.at(-1)) {
      container = last;
      this.findNextNonspace();
      const matched = this.continues(container);
      if (matched === 2) return;
      if (matched === 1) {
        container = container.parent!;
        break;
      }
    }
    this.allClosed = container === this.oldTip;
    this.lastMatched = container;
    // New blocks starting on the rest of the line.
    let matchedLeaf = container.kind !== 'paragraph' && container.kind !== 'table' && acceptsLines(container.kind);
    while (!matchedLeaf) {
      this.findNextNonspace();
      if (!this.indented && !MAYBE_SPECIAL.test(this.line[this.nextNonspace] ?? '')) {
        this.advanceNextNonspace();
        break;
      }
      let started = 0;
      for (const start of BLOCK_STARTS) {
        started = start(this, container);
        if (started) break;
      }
      if (!started) {
        this.advanceNextNonspace();
        break;
      }
      container = this.tip!;
      matchedLeaf = started === 2;
    }
    // What is left is words: a lazy paragraph line, a leaf's line or a new paragraph.
    if (!this.allClosed && !this.blank && this.tip!.kind === 'paragraph') {
      this.addLine();
      return;
    }
    this.closeUnmatchedBlocks();
    if (acceptsLines(container.kind)) {
      this.addLine();
      const kind = container.htmlKind;
      if (kind >= 1 && kind <= 5 && HTML_BLOCK_CLOSE[kind]!.test(this.line.slice(this.offset))) this.finalize(container, this.lineNumber);
    } else if (this.offset < line.length && !this.blank) {
      this.addChild('paragraph');
      this.advanceNextNonspace();
      this.addLine();
    }
  }

  /** Whether the line continues `block`: 0 yes, 1 no, 2 yes and it is used up (a closing fence). */
  private continues(block: Block): 0 | 1 | 2 {
    const line = this.line;
    switch (block.kind) {
      case 'quote':
        if (this.indented || line[this.nextNonspace] !== '>') return 1;
        this.advanceNextNonspace();
        this.advanceOffset(1, false);
        if (isSpaceOrTab(line[this.offset])) this.advanceOffset(1, true);
        return 0;
      case 'item': {
        const marker = block.marker!;
        if (this.blank) {
          // A blank line after an empty item ends it.
          if (block.children.length === 0) return 1;
          this.advanceNextNonspace();
        } else if (this.indent >= marker.markerOffset + marker.padding) {
          this.advanceOffset(marker.markerOffset + marker.padding, true);
        } else return 1;
        return 0;
      }
      case 'code':
        return this.continuesCode(block);
      case 'html':
        return this.blank && block.htmlKind >= 6 ? 1 : 0;
      case 'paragraph':
      case 'table':
        return this.blank ? 1 : 0;
      case 'heading':
      case 'rule':
        return 1;
      case 'document':
      case 'list':
        return 0;
    }
  }

  private continuesCode(block: Block): 0 | 1 | 2 {
    const fence = block.fence;
    if (fence) {
      const closing =
        this.indent <= 3 && this.line[this.nextNonspace] === fence.char ? matchAt(CLOSING_FENCE, this.line, this.nextNonspace) : null;
      if (closing && closing[0].length >= fence.length) {
        this.finalize(block, this.lineNumber);
        return 2;
      }
      // The opening fence's indent is taken off each line.
      for (let skip = fence.offset; skip > 0 && isSpaceOrTab(this.line[this.offset]); skip--) this.advanceOffset(1, true);
      return 0;
    }
    if (this.indent >= CODE_INDENT) this.advanceOffset(CODE_INDENT, true);
    else if (this.blank) this.advanceNextNonspace();
    else return 1;
    return 0;
  }

  findNextNonspace(): void {
    const line = this.line;
    let index = this.offset;
    let columns = this.column;
    for (;;) {
      const char = line[index];
      if (char === ' ') columns++;
      else if (char === '\t') columns += 4 - (columns % 4);
      else break;
      index++;
    }
    this.blank = index >= line.length;
    this.nextNonspace = index;
    this.nextNonspaceColumn = columns;
    this.indent = columns - this.column;
    this.indented = this.indent >= CODE_INDENT;
  }

  advanceNextNonspace(): void {
    this.offset = this.nextNonspace;
    this.column = this.nextNonspaceColumn;
    this.partiallyConsumedTab = false;
  }

  /** Moves `count` characters on, or `count` columns if `columns` (a tab may then be taken in part). */
  advanceOffset(count: number, columns: boolean): void {
    const line = this.line;
    while (count > 0 && this.offset < line.length) {
      if (line[this.offset] === '\t') {
        const toTab = 4 - (this.column % 4);
        if (columns) {
          this.partiallyConsumedTab = toTab > count;
          const advance = Math.min(toTab, count);
          this.column += advance;
          if (!this.partiallyConsumedTab) this.offset++;
          count -= advance;
        } else {
          this.partiallyConsumedTab = false;
          this.column += toTab;
          this.offset++;
          count--;
        }
      } else {
        this.partiallyConsumedTab = false;
        this.offset++;
        this.column++;
        count--;
      }
    }
  }

  /** The rest of the line to the tip (a tab taken in part counts as the spaces left of it). */
  private addLine(): void {
    let prefix = '';
    if (this.partiallyConsumedTab) {
      this.offset++;
      prefix = ' '.repeat(4 - (this.column % 4));
    }
    this.tip!.lines.push(prefix + this.line.slice(this.offset));
  }

  /** Closes the blocks this line did not continue. */
  closeUnmatchedBlocks(): void {
    if (this.allClosed) return;
    while (this.oldTip !== this.lastMatched) {
      const parent = this.oldTip.parent!;
      this.finalize(this.oldTip, this.lineNumber - 1);
      this.oldTip = parent;
    }
    this.allClosed = true;
  }

  /** A new block of `kind` at the tip, closing the leaves that cannot hold it. */
  addChild(kind: BlockKind): Block {
    while (!canContain(this.tip!.kind, kind)) this.finalize(this.tip!, this.lineNumber - 1);
    const block = newBlock(kind, this.tip, this.lineNumber);
    this.tip!.children.push(block);
    this.tip = block;
    return block;
  }

  /** Closes `block` at `line` (its last line). */
  finalize(block: Block, line: number): void {
    block.open = false;
    block.endLine = line;
    switch (block.kind) {
      case 'paragraph': {
        const text = block.lines.join('\n');
        block.text = text.slice(takeDefinitions(text, this.definitions));
        // A paragraph of definitions only is no paragraph.
        if (!block.text.trim()) block.parent!.children.pop();
        break;
      }
      case 'code':
        if (block.fence) {
          block.text = unescape(block.lines[0]!.trim());
          block.lines.shift();
        } else {
          while (block.lines.length > 0 && /^ *$/.test(block.lines[block.lines.length - 1]!)) block.lines.pop();
        }
        break;
      case 'item':
        block.endLine = block.children.at(-1)?.endLine ?? block.startLine;
        break;
      case 'list':
        block.tight = isTight(block);
        block.endLine = block.children.at(-1)!.endLine;
        break;
      default:
    }
    this.tip = block.parent;
  }
}

/** A list is loose if a blank line separates two of its items, or two blocks of one item. */
function isTight(list: Block): boolean {
  const endsWithBlankLine = (block: Block, next: Block | undefined) => next !== undefined && block.endLine !== next.startLine - 1;
  for (let index = 0; index < list.children.length; index++) {
    const item = list.children[index]!;
    if (endsWithBlankLine(item, list.children[index + 1])) return false;
    for (let child = 0; child < item.children.length; child++) {
      if (endsWithBlankLine(item.children[child]!, item.children[child + 1])) return false;
    }
  }
  return true;
}
