/**
 * The parse step both clients share: message text → our typed tree (`markdown-tree.ts`).
 * Framework-free; the inbox renders the tree with React, the widget with preact/compat,
 * through the one renderer in `src/markdown/render-markdown.tsx`.
 *
 * The parser is `marked` (CommonMark + GFM: tables, strikethrough, autolinks including
 * www. and bare URLs, task lists), picked by measurement (issue 9, November 2026), parser
 * alone, minified, gzip -9:
 *
 * | candidate                                   | gzip    | CommonMark spec, own HTML | 18k `*…x…*` |
 * | ------------------------------------------- | ------- | ------------------------- | ----------- |
 * | marked 18 (Lexer)                           | 15.3 KB | 562/652                   | 1.8 s, then RangeError |
 * | micromark + gfm + mdast-util-from-markdown  | 22.6 KB | 648/652                   | 33 s (list levels: 204 s) |
 * | markdown-to-jsx 9 parser (imports React)    | 26.3 KB | ~97 % supported sections  | —           |
 *
 * micromark is the more exact parser, but its attention resolver is quadratic: a hostile
 * 18,000-character message froze the page for half a minute. marked is smaller and through
 * our renderer passes ≥ 95 % of the spec sections we support (see
 * `src/markdown/commonmark-conformance.test.tsx`), but its inline lexer is quadratic too
 * (issue 15: 10,000 characters of `*a_` took 0.9 s): we keep marked for the blocks (with
 * its table check made linear) and parse each block's inlines ourselves, in linear time
 * (`parse-inline.ts`; 564/588 supported examples, one more than marked's own inlines).
 * The pre-scan below keeps marked's block recursion away from the stack;
 * `MAX_NESTING_DEPTH` bounds the tree we hand on.
 */
import { Lexer, Tokenizer } from 'marked';
import type { Token, Tokens } from 'marked';
import { decodeEntities } from './decode-entities.ts';
import type { MdAlign, MdBlock, MdListItem } from './markdown-tree.ts';
import { MAX_NESTING_DEPTH } from './inline-nodes.ts';
import { parseInline, type LinkDefinitions } from './parse-inline.ts';

export { decodeEntities } from './decode-entities.ts';
export { MAX_NESTING_DEPTH } from './inline-nodes.ts';

/**
 * Longer input is shown as plain text: parsing time grows with length, and a message that
 * long is a paste (a log, a dump) more often than prose.
 */
export const MAX_MARKDOWN_CHARS = 20_000;

/**
 * Container markers (`>`, `-`, `1.`) at the start of one line, or emphasis markers in one
 * run, past which the parser would recurse thousands deep: such input is shown unparsed.
 */
const MAX_LINE_CONTAINERS = 32;
const MAX_DELIMITER_RUN = 64;

/** A GFM table's delimiter row (`| --- | :-: |`), the whole line. */
const TABLE_DELIMITER_ROW = /^ {0,3}(?:\| *)?:?-+:? *(?:\| *:?-+:? *)*(?:\| *)?$/;

/** marked's block tokenizer, without the paths that are quadratic in the text. */
class LinearTokenizer extends Tokenizer {
  /**
   * marked's table pattern reads every line below a would-be header before it checks that
   * the delimiter row holds a `|` or `:`; tried at each block, that is quadratic (10,000
   * characters of `a\n-\n` took 60 ms, 20,000 took 190). The row is one line: check it first.
   */
  override table(src: string): Tokens.Table | undefined {
    const headerEnd = src.indexOf('\n');
    if (headerEnd < 0) return undefined;
    const rowEnd = src.indexOf('\n', headerEnd + 1);
    const row = src.slice(headerEnd + 1, rowEnd < 0 ? src.length : rowEnd);
    return /[:|]/.test(row) && TABLE_DELIMITER_ROW.test(row) ? super.table(src) : undefined;
  }
}

const LEXER_OPTIONS = { gfm: true, breaks: false, tokenizer: new LinearTokenizer() };

/** Parses untrusted message text into blocks; never throws (input it cannot parse is one literal block). */
export function parseMarkdown(text: string): MdBlock[] {
  if (text.length > MAX_MARKDOWN_CHARS || nestsTooDeep(text)) return [{ type: 'literal', text }];
  try {
    // marked finds the blocks (and the link definitions); the inlines are ours, in linear time (parse-inline.ts).
    const lexer = new Lexer(LEXER_OPTIONS);
    const tokens = lexer.blockTokens(text.replace(/\r\n?/g, '\n'), lexer.tokens);
    return blocks(tokens, 0, true, lexer.tokens.links);
  } catch {
    // A parser bug (or a stack it still overflows) must not hide the message: show what was written.
    return [{ type: 'literal', text }];
  }
}

/**
 * Whether `text` nests deeper than the parser can take without recursing thousands deep:
 * many container markers on one line (`> > > …`, `* * * …`), or a long run of `*`/`_`
 * touching a word (`*****x`). One pass, no backtracking.
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

function blocks(tokens: readonly Token[], depth: number, loose: boolean, links: LinkDefinitions): MdBlock[] {
  const out: MdBlock[] = [];
  for (const token of tokens) {
    const block = toBlock(token, depth, loose, links);
    if (block) out.push(block);
  }
  return out;
}

function toBlock(token: Token, depth: number, loose: boolean, links: LinkDefinitions): MdBlock | null {
  if (depth > MAX_NESTING_DEPTH) return { type: 'literal', text: token.raw };
  switch (token.type) {
    case 'space':
    case 'def':
    case 'checkbox':
      return null;
    case 'paragraph':
    case 'text': {
      // A loose task item's paragraph starts with its checkbox's source: the box is not words.
      const box = token.tokens?.[0]?.type === 'checkbox' ? token.tokens[0].raw.length : 0;
      const children = parseInline((token.text as string).slice(box), links, depth);
      // A tight list item's text is a `text` block (a loose item's is a paragraph).
      return { type: token.type === 'paragraph' || loose ? 'paragraph' : 'plain', children };
    }
    case 'heading': {
      const level = Math.min(6, Math.max(1, token.depth as number)) as 1 | 2 | 3 | 4 | 5 | 6;
      return { type: 'heading', level, children: parseInline(token.text as string, links, depth) };
    }
    case 'code': {
      const code = token as Tokens.Code;
      const language =
        decodeEntities(code.lang ?? '')
          .trim()
          .split(/\s/, 1)[0] || null;
      return { type: 'code', language, text: code.text };
    }
    case 'blockquote':
      return { type: 'quote', children: blocks(token.tokens ?? [], depth + 1, true, links) };
    case 'list':
      return toList(token as Tokens.List, depth, links);
    case 'table':
      return toTable(token as Tokens.Table, depth, links);
    case 'hr':
      return { type: 'rule' };
    case 'html':
      // Raw HTML is never rendered: its source, as text.
      return { type: 'literal', text: token.raw.replace(/\n+$/, '') };
    default:
      return token.raw.trim() ? { type: 'literal', text: token.raw } : null;
  }
}

function toList(list: Tokens.List, depth: number, links: LinkDefinitions): MdBlock {
  const start = typeof list.start === 'number' ? list.start : 1;
  const items: MdListItem[] = list.items.map((item) => ({
    checked: item.task ? Boolean(item.checked) : null,
    children: blocks(item.tokens, depth + 1, list.loose, links),
  }));
  return { type: 'list', ordered: list.ordered, start, items };
}

function toTable(table: Tokens.Table, depth: number, links: LinkDefinitions): MdBlock {
  const align: MdAlign[] = table.align.map((value) => value ?? null);
  const cell = (text: string) => parseInline(text, links, depth);
  return {
    type: 'table',
    align,
    header: table.header.map((head) => cell(head.text)),
    rows: table.rows.map((row) => row.map((data) => cell(data.text))),
  };
}
