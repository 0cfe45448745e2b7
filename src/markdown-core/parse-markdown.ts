/**
 * The parse step both clients share: message text → our typed tree (`markdown-tree.ts`).
 * Framework-free; the inbox renders the tree with React, the widget with preact,
 * through the one renderer in `src/markdown/render-markdown.tsx`.
 *
 * Both halves are our own, each linear in the text: the blocks (`parse-blocks.ts`,
 * CommonMark's block structure plus GFM tables and task items) and each block's inlines
 * (`parse-inline.ts`, CommonMark's delimiter and bracket stacks plus GFM strikethrough and
 * bare URLs). They replaced `marked` (issues 9 and 15), whose inline lexer and table check
 * were quadratic (10,000 characters of `*a_` took 0.9 s) and which could not be
 * tree-shaken out of the widget's chunk. Through our renderer they pass 564 of the 588
 * CommonMark spec examples we support (`src/markdown/commonmark-conformance.test.tsx`).
 * The pre-scan below keeps hostile nesting to a literal block; `MAX_NESTING_DEPTH` bounds
 * the tree we hand on.
 */
import { cellAlignment, splitTableRow, TASK_BOX } from './block-syntax.ts';
import type { MdBlock, MdListItem } from './markdown-tree.ts';
import { MAX_NESTING_DEPTH } from './inline-nodes.ts';
import { parseBlocks, type Block } from './parse-blocks.ts';
import type { LinkDefinitions } from './link-definitions.ts';
import { parseInline } from './parse-inline.ts';

export { decodeEntities } from './decode-entities.ts';
export { MAX_NESTING_DEPTH } from './inline-nodes.ts';

/**
 * Longer input is shown as plain text: parsing time grows with length, and a message that
 * long is a paste (a log, a dump) more often than prose.
 */
export const MAX_MARKDOWN_CHARS = 20_000;

/**
 * Container markers (`>`, `-`, `1.`) at the start of one line, or emphasis markers in one
 * run, past which the input is shown unparsed (it is hostile or a paste, not prose).
 */
const MAX_LINE_CONTAINERS = 32;
const MAX_DELIMITER_RUN = 64;

/** Parses untrusted message text into blocks; never throws (input it cannot parse is one literal block). */
export function parseMarkdown(text: string): MdBlock[] {
  if (text.length > MAX_MARKDOWN_CHARS || nestsTooDeep(text)) return [{ type: 'literal', text }];
  try {
    const { document, definitions } = parseBlocks(text.replace(/\r\n?/g, '\n'));
    return toBlocks(document.children, true, definitions);
  } catch {
    // A parser bug must not hide the message: show what was written.
    return [{ type: 'literal', text }];
  }
}

/**
 * Whether `text` nests deeper than any message means to (so it is shown as written): many
 * container markers on one line (`> > > …`, `* * * …`; each open container is matched
 * again on every line), or a long run of `*`/`_` touching a word (`*****x`). One pass, no
 * backtracking.
 */
export function nestsTooDeep(text: string): boolean {
  let index = 0;
  while (index < text.length) {
    // The start of a line: count its container markers.
    let containers = 0;
    for (;;) {
      while (text[index] === ' ' || text[index] === '\t') index++;
      const char = text[index];
      if (char === '>') {
        index++;
      } else if ((char === '-' || char === '*' || char === '+') && (text[index + 1] === ' ' || text[index + 1] === '\t')) {
        index += 2;
      } else if (char !== undefined && char >= '0' && char <= '9') {
        let end = index;
        while (end < text.length && end - index < 9 && text[end]! >= '0' && text[end]! <= '9') end++;
        if ((text[end] !== '.' && text[end] !== ')') || (text[end + 1] !== ' ' && text[end + 1] !== '\t')) break;
        index = end + 2;
      } else {
        break;
      }
      if (++containers > MAX_LINE_CONTAINERS) return true;
    }
    // The rest of the line: look for long delimiter runs that touch a word.
    while (index < text.length && text[index] !== '\n') {
      const char = text[index]!;
      if (char !== '*' && char !== '_') {
        index++;
        continue;
      }
      const start = index;
      while (text[index] === char) index++;
      if (index - start > MAX_DELIMITER_RUN && (isWordChar(text[start - 1]) || isWordChar(text[index]))) return true;
    }
    index++;
  }
  return false;
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && char !== '\n' && char !== ' ' && char !== '\t' && char !== '\r';
}

/** Our tree for parsed blocks; `loose`: paragraphs keep their `<p>` (all but a tight list's items'). */
function toBlocks(blocks: readonly Block[], loose: boolean, links: LinkDefinitions): MdBlock[] {
  return blocks.map((block) => toBlock(block, loose, links));
}

function toBlock(block: Block, loose: boolean, links: LinkDefinitions): MdBlock {
  const depth = block.depth;
  if (depth > MAX_NESTING_DEPTH) return { type: 'literal', text: sourceText(block) };
  switch (block.kind) {
    case 'paragraph':
      return { type: loose ? 'paragraph' : 'plain', children: parseInline(block.text, links, depth) };
    case 'heading': {
      const level = Math.min(6, Math.max(1, block.level)) as 1 | 2 | 3 | 4 | 5 | 6;
      return { type: 'heading', level, children: parseInline(block.text, links, depth) };
    }
    case 'code': {
      const language = block.fence ? block.text.split(/\s/, 1)[0] || null : null;
      return { type: 'code', language, text: block.lines.join('\n') };
    }
    case 'html':
      // Raw HTML is never rendered: its source, as text.
      return { type: 'literal', text: block.lines.join('\n').replace(/\n+$/, '') };
    case 'quote':
      return { type: 'quote', children: toBlocks(block.children, true, links) };
    case 'list':
      return toList(block, links);
    case 'table':
      return toTable(block, links);
    case 'rule':
      return { type: 'rule' };
    case 'item':
    case 'document':
      return { type: 'literal', text: sourceText(block) };
  }
}

/** A block's words as written, for blocks past the depth limit (which the parser keeps to leaves). */
function sourceText(block: Block): string {
  if (block.children.length > 0) return block.children.map(sourceText).join('\n');
  if (block.kind === 'paragraph' || block.kind === 'heading') return block.text;
  return block.kind === 'table' ? [block.text, ...block.lines].join('\n') : block.lines.join('\n');
}

function toList(list: Block, links: LinkDefinitions): MdBlock {
  const marker = list.marker!;
  const items: MdListItem[] = list.children.map((item) => {
    // GFM task item: a box at the start of its first paragraph, which is not words.
    const first = item.children[0];
    const box = first?.kind === 'paragraph' ? TASK_BOX.exec(first.text) : null;
    if (box) first!.text = first!.text.slice(box[0].length);
    return { checked: box ? box[1] !== ' ' : null, children: toBlocks(item.children, !list.tight, links) };
  });
  return { type: 'list', ordered: marker.ordered, start: marker.ordered ? marker.start : 1, items };
}

function toTable(table: Block, links: LinkDefinitions): MdBlock {
  const [delimiterRow = '', ...rows] = table.lines;
  const align = splitTableRow(delimiterRow).map(cellAlignment);
  const cells = (line: string) => {
    const texts = splitTableRow(line);
    // Cells past the header's are dropped, missing ones are empty (GFM).
    return align.map((_, column) => parseInline(texts[column] ?? '', links, table.depth));
  };
  return { type: 'table', align, header: cells(table.text), rows: rows.map(cells) };
}
