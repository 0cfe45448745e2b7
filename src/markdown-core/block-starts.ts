/**
 * How each kind of block starts on what is left of a line (CommonMark 0.31 + GFM tables),
 * in the order the spec tries them. Each returns 0 (not here), 1 (a container opened:
 * look for more starts) or 2 (a leaf opened: the rest of the line is its own).
 */
import {
  ATX_HEADING,
  atxHeadingText,
  BULLET_MARKER,
  CODE_INDENT,
  htmlBlockKind,
  OPENING_FENCE,
  ORDERED_MARKER,
  SETEXT_UNDERLINE,
  splitTableRow,
  TABLE_DELIMITER_ROW,
  THEMATIC_BREAK,
} from './block-syntax.ts';
import { MAX_NESTING_DEPTH } from './inline-nodes.ts';
import { matchAt } from './inline-syntax.ts';
import { takeDefinitions } from './link-definitions.ts';
import { childDepth, isSpaceOrTab, type Block, type BlockParser, type ListMarker } from './parse-blocks.ts';

type BlockStart = (parser: BlockParser, container: Block) => 0 | 1 | 2;

/** Where a new block would go: a leaf's parent, or the container itself. */
function holder(container: Block): Block {
  return container.kind === 'paragraph' || container.kind === 'table' ? container.parent! : container;
}

/** Past the depth limit, a container marker is words: the tree stays bounded, and so does the work per line. */
const tooDeep = (container: Block) => childDepth(holder(container)) > MAX_NESTING_DEPTH;

const quote: BlockStart = (parser, container) => {
  if (parser.indented || parser.line[parser.nextNonspace] !== '>' || tooDeep(container)) return 0;
  parser.advanceNextNonspace();
  parser.advanceOffset(1, false);
  if (isSpaceOrTab(parser.line[parser.offset])) parser.advanceOffset(1, true);
  parser.closeUnmatchedBlocks();
  parser.addChild('quote');
  return 1;
};

const atxHeading: BlockStart = (parser) => {
  const marker = parser.indented ? null : matchAt(ATX_HEADING, parser.line, parser.nextNonspace);
  if (!marker) return 0;
  parser.advanceNextNonspace();
  parser.advanceOffset(marker[0].length, false);
  parser.closeUnmatchedBlocks();
  const heading = parser.addChild('heading');
  heading.level = marker[0].trim().length;
  heading.text = atxHeadingText(parser.line.slice(parser.offset));
  parser.advanceOffset(parser.line.length - parser.offset, false);
  return 2;
};

const fencedCode: BlockStart = (parser) => {
  const fence = parser.indented ? null : matchAt(OPENING_FENCE, parser.line, parser.nextNonspace);
  if (!fence) return 0;
  parser.closeUnmatchedBlocks();
  const code = parser.addChild('code');
  code.fence = { char: fence[0][0]!, length: fence[0].length, offset: parser.indent };
  parser.advanceNextNonspace();
  parser.advanceOffset(fence[0].length, false);
  return 2;
};

const htmlBlock: BlockStart = (parser, container) => {
  if (parser.indented || parser.line[parser.nextNonspace] !== '<') return 0;
  // Kind 7 (any tag alone on its line) cannot interrupt a paragraph, lazy or not.
  const lazyParagraph = !parser.allClosed && !parser.blank && parser.tip!.kind === 'paragraph';
  const kind = htmlBlockKind(parser.line, parser.nextNonspace, container.kind !== 'paragraph' && !lazyParagraph);
  if (!kind) return 0;
  parser.closeUnmatchedBlocks();
  parser.addChild('html').htmlKind = kind;
  return 2;
};

/** GFM: a delimiter row under a paragraph's last line with as many cells makes that line a table's header. */
const table: BlockStart = (parser, container) => {
  if (parser.indented || container.kind !== 'paragraph') return 0;
  const line = parser.line;
  const at = parser.nextNonspace;
  if (!/[:|]/.test(line.slice(at)) || !matchAt(TABLE_DELIMITER_ROW, line, at)) return 0;
  const header = container.lines[container.lines.length - 1]!;
  if (splitTableRow(header).length !== splitTableRow(line.slice(at)).length) return 0;
  parser.closeUnmatchedBlocks();
  container.lines.pop();
  if (container.lines.length > 0) parser.finalize(container, parser.lineNumber - 2);
  else {
    container.parent!.children.pop();
    parser.tip = container.parent;
  }
  const block = parser.addChild('table');
  block.startLine = parser.lineNumber - 1;
  block.text = header;
  parser.advanceNextNonspace();
  return 2;
};

const setextHeading: BlockStart = (parser, container) => {
  if (parser.indented || container.kind !== 'paragraph') return 0;
  const underline = matchAt(SETEXT_UNDERLINE, parser.line, parser.nextNonspace);
  if (!underline) return 0;
  parser.closeUnmatchedBlocks();
  // Definitions first: what is left (if anything) is the heading.
  const text = container.lines.join('\n');
  const rest = text.slice(takeDefinitions(text, parser.definitions));
  container.lines = rest ? [rest] : [];
  if (!rest) return 0;
  const siblings = container.parent!.children;
  const heading = parser.addChild('heading');
  siblings.pop();
  siblings[siblings.length - 1] = heading;
  heading.startLine = container.startLine;
  heading.level = underline[0][0] === '=' ? 1 : 2;
  heading.text = rest.trim();
  parser.advanceOffset(parser.line.length - parser.offset, false);
  return 2;
};

const thematicBreak: BlockStart = (parser) => {
  if (parser.indented || !matchAt(THEMATIC_BREAK, parser.line, parser.nextNonspace)) return 0;
  parser.closeUnmatchedBlocks();
  parser.addChild('rule');
  parser.advanceOffset(parser.line.length - parser.offset, false);
  return 2;
};

const listItem: BlockStart = (parser, container) => {
  if ((parser.indented && container.kind !== 'list') || tooDeep(container)) return 0;
  const marker = listMarker(parser, container);
  if (!marker) return 0;
  parser.closeUnmatchedBlocks();
  const tip = parser.tip!;
  if (tip.kind !== 'list' || !sameList(tip.marker!, marker)) parser.addChild('list').marker = marker;
  parser.addChild('item').marker = marker;
  return 1;
};

const indentedCode: BlockStart = (parser) => {
  // Indented code cannot interrupt a paragraph (it can end a table, as in cmark-gfm).
  if (!parser.indented || parser.tip!.kind === 'paragraph' || parser.blank) return 0;
  parser.advanceOffset(CODE_INDENT, true);
  parser.closeUnmatchedBlocks();
  parser.addChild('code');
  return 2;
};

/** In the order CommonMark tries them (the GFM table before the setext underline it could look like). */
export const BLOCK_STARTS: readonly BlockStart[] = [
  quote,
  atxHeading,
  fencedCode,
  htmlBlock,
  table,
  setextHeading,
  thematicBreak,
  listItem,
  indentedCode,
];

function sameList(list: ListMarker, item: ListMarker): boolean {
  return list.ordered === item.ordered && list.delimiter === item.delimiter && list.bullet === item.bullet;
}

/** A list marker at the line's next non-space, moving past it and the spaces after; null if none. */
function listMarker(parser: BlockParser, container: Block): ListMarker | null {
  const line = parser.line;
  if (parser.indent >= CODE_INDENT) return null;
  const marker: ListMarker = { ordered: false, bullet: '', start: 1, delimiter: '', padding: 0, markerOffset: parser.indent };
  let match = matchAt(BULLET_MARKER, line, parser.nextNonspace);
  if (match) marker.bullet = match[0];
  else {
    match = matchAt(ORDERED_MARKER, line, parser.nextNonspace);
    // Only a list starting at 1 may interrupt a paragraph.
    if (!match || (container.kind === 'paragraph' && match[1] !== '1')) return null;
    marker.ordered = true;
    marker.start = Number.parseInt(match[1]!, 10);
    marker.delimiter = match[2]!;
  }
  const after = parser.nextNonspace + match[0].length;
  if (after < line.length && !isSpaceOrTab(line[after])) return null;
  // An empty item cannot interrupt a paragraph.
  if (container.kind === 'paragraph' && !line.slice(after).trim()) return null;
  parser.advanceNextNonspace();
  parser.advanceOffset(match[0].length, true);
  const spacesStartColumn = parser.column;
  const spacesStartOffset = parser.offset;
  do parser.advanceOffset(1, true);
  while (parser.column - spacesStartColumn < 5 && isSpaceOrTab(line[parser.offset]));
  const blankItem = parser.offset >= line.length;
  const spaces = parser.column - spacesStartColumn;
  if (spaces >= 5 || spaces < 1 || blankItem) {
    // Content indented 5+ columns is indented code: the item's content starts one space after the marker.
    marker.padding = match[0].length + 1;
    parser.column = spacesStartColumn;
    parser.offset = spacesStartOffset;
    if (isSpaceOrTab(line[parser.offset])) parser.advanceOffset(1, true);
  } else marker.padding = match[0].length + spaces;
  return marker;
}
