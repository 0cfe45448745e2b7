/**
 * Block markdown for chat messages: paragraphs (single newlines kept as line breaks), fenced
 * code, lists (nested by indentation), quotes, and headings shown as bold lines. Anything
 * else (tables, raw HTML, images, reference links) stays text. A small parser written for
 * the widget: a general one does not fit its size budget, and chat needs only this much.
 */
import { parseInline, type Inline } from './parse-inline.ts';

export type Block =
  | { t: 'p'; c: Inline[] }
  | { t: 'heading'; c: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { t: 'quote'; c: Block[] };

/** Quotes and lists nested deeper than this are read as plain paragraphs: bounded DOM depth. */
export const MAX_BLOCK_DEPTH = 8;

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|$)/;
const BLANK = /^\s*$/;

const indentOf = (line: string) => line.length - line.trimStart().length;
/** Tabs in indentation count as four spaces, as they do in CommonMark lists. */
const expandTabs = (line: string) => line.replace(/^[ \t]+/, (space) => space.replace(/\t/g, '    '));

function startsBlock(line: string, depth: number): boolean {
  return FENCE.test(line) || HEADING.test(line) || (depth < MAX_BLOCK_DEPTH && (QUOTE.test(line) || LIST_ITEM.test(line)));
}

/** A list marker's kind: items of one list share it ("-" and "*" start different lists). */
const markerKind = (marker: string) => (/\d/.test(marker) ? marker.slice(-1) : marker);

/** Parses a message into blocks. */
export function parseMarkdown(text: string): Block[] {
  return parseBlocks(text.replace(/\r\n?/g, '\n').split('\n').map(expandTabs), 0);
}

function parseBlocks(lines: readonly string[], depth: number): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (BLANK.test(line)) {
      i++;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
      const body: string[] = [];
      i++;
      while (i < lines.length && !closing.test(lines[i]!)) body.push(lines[i++]!);
      i++; // the closing fence (or the end of the message: an unclosed fence runs to the end)
      blocks.push({ t: 'code', text: body.join('\n') });
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ t: 'heading', c: parseInline(heading[1]!.trim()) });
      i++;
      continue;
    }

    if (depth < MAX_BLOCK_DEPTH && QUOTE.test(line)) {
      const quoted: string[] = [];
      for (let match; i < lines.length && (match = QUOTE.exec(lines[i]!)); i++) quoted.push(match[1]!);
      blocks.push({ t: 'quote', c: parseBlocks(quoted, depth + 1) });
      continue;
    }

    if (depth < MAX_BLOCK_DEPTH && LIST_ITEM.test(line)) {
      i = parseList(lines, i, depth, blocks);
      continue;
    }

    const paragraph: string[] = [];
    while (i < lines.length && !BLANK.test(lines[i]!) && (paragraph.length === 0 || !startsBlock(lines[i]!, depth))) {
      paragraph.push(lines[i++]!.trim());
    }
    blocks.push({ t: 'p', c: parseInline(paragraph.join('\n')) });
  }
  return blocks;
}

/** Reads the list that starts at `start` into `blocks`; returns the index after it. */
function parseList(lines: readonly string[], start: number, depth: number, blocks: Block[]): number {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const kind = markerKind(first[2]!);
  const ordered = /\d/.test(first[2]!);
  const items: Block[][] = [];
  let i = start;
  while (i < lines.length) {
    const item = LIST_ITEM.exec(lines[i]!);
    if (!item || markerKind(item[2]!) !== kind) break;
    // Lines indented at least this far belong to the item (its paragraphs, its sub-lists).
    const contentIndent = item[1]!.length + item[2]!.length + 1;
    const body = [item[3] ?? ''];
    i++;
    while (i < lines.length) {
      const line = lines[i]!;
      if (BLANK.test(line)) {
        let next = i + 1;
        while (next < lines.length && BLANK.test(lines[next]!)) next++;
        if (next < lines.length && indentOf(lines[next]!) >= contentIndent) {
          body.push('');
          i++;
          continue;
        }
        break;
      }
      const indent = indentOf(line);
      if (indent >= Math.min(contentIndent, 2)) body.push(line.slice(Math.min(indent, contentIndent)));
      else if (startsBlock(line, depth)) break;
      // A lazy continuation line: the paragraph of the item goes on.
      else body.push(line.trim());
      i++;
    }
    items.push(parseBlocks(body, depth + 1));
    // Blank lines between items keep the list going.
    let next = i;
    while (next < lines.length && BLANK.test(lines[next]!)) next++;
    const following = next < lines.length ? LIST_ITEM.exec(lines[next]!) : null;
    if (!following || markerKind(following[2]!) !== kind) break;
    i = next;
  }
  blocks.push({ t: 'list', ordered, start: ordered ? Number.parseInt(first[2]!, 10) : 1, items });
  return i;
}
