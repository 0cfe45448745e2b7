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
 * 18,000-character message froze the page for half a minute. marked is smaller, fast, and
 * through our renderer passes ≥ 95 % of the spec sections we support (see
 * `src/markdown/commonmark-conformance.test.tsx`). The pre-scan below keeps its recursion
 * away from the stack; `MAX_NESTING_DEPTH` bounds the tree we hand on.
 */
import { Lexer } from 'marked';
import type { Token, Tokens } from 'marked';
import type { MdAlign, MdBlock, MdInline, MdListItem } from './markdown-tree.ts';

/**
 * Longer input is shown as plain text: parsing time grows with length, and a message that
 * long is a paste (a log, a dump) more often than prose.
 */
export const MAX_MARKDOWN_CHARS = 20_000;

/** Deeper nesting (a quote in a list in a quote…, emphasis in a link in…) is flattened to its source text. */
export const MAX_NESTING_DEPTH = 16;

/**
 * Container markers (`>`, `-`, `1.`) at the start of one line, or emphasis markers in one
 * run, past which the parser would recurse thousands deep: such input is shown unparsed.
 */
const MAX_LINE_CONTAINERS = 32;
const MAX_DELIMITER_RUN = 64;

const LEXER_OPTIONS = { gfm: true, breaks: false } as const;

/** Parses untrusted message text into blocks; never throws (input it cannot parse is one literal block). */
export function parseMarkdown(text: string): MdBlock[] {
  if (text.length > MAX_MARKDOWN_CHARS || nestsTooDeep(text)) return [{ type: 'literal', text }];
  let tokens: Token[];
  try {
    tokens = Lexer.lex(text, LEXER_OPTIONS);
  } catch {
    // A parser bug (or a stack it still overflows) must not hide the message: show what was written.
    return [{ type: 'literal', text }];
  }
  return blocks(tokens, 0, true);
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

function blocks(tokens: readonly Token[], depth: number, loose: boolean): MdBlock[] {
  const out: MdBlock[] = [];
  for (const token of tokens) {
    const block = toBlock(token, depth, loose);
    if (block) out.push(block);
  }
  return out;
}

function toBlock(token: Token, depth: number, loose: boolean): MdBlock | null {
  if (depth > MAX_NESTING_DEPTH) return { type: 'literal', text: token.raw };
  switch (token.type) {
    case 'space':
    case 'def':
    case 'checkbox':
      return null;
    case 'paragraph':
      return { type: 'paragraph', children: inlines(token.tokens ?? [], depth) };
    case 'text': {
      // A tight list item's text (a loose item's is a paragraph).
      const children = token.tokens
        ? inlines(token.tokens, depth)
        : [{ type: 'text' as const, text: decodeEntities(token.text as string) }];
      return { type: loose ? 'paragraph' : 'plain', children };
    }
    case 'heading': {
      const level = Math.min(6, Math.max(1, token.depth as number)) as 1 | 2 | 3 | 4 | 5 | 6;
      return { type: 'heading', level, children: inlines(token.tokens ?? [], depth) };
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
      return { type: 'quote', children: blocks(token.tokens ?? [], depth + 1, true) };
    case 'list':
      return toList(token as Tokens.List, depth);
    case 'table':
      return toTable(token as Tokens.Table, depth);
    case 'hr':
      return { type: 'rule' };
    case 'html':
      // Raw HTML is never rendered: its source, as text.
      return { type: 'literal', text: token.raw.replace(/\n+$/, '') };
    default:
      return token.raw.trim() ? { type: 'literal', text: token.raw } : null;
  }
}

function toList(list: Tokens.List, depth: number): MdBlock {
  const start = typeof list.start === 'number' ? list.start : 1;
  const items: MdListItem[] = list.items.map((item) => ({
    checked: item.task ? Boolean(item.checked) : null,
    children: blocks(item.tokens, depth + 1, list.loose),
  }));
  return { type: 'list', ordered: list.ordered, start, items };
}

function toTable(table: Tokens.Table, depth: number): MdBlock {
  const align: MdAlign[] = table.align.map((value) => value ?? null);
  return {
    type: 'table',
    align,
    header: table.header.map((cell) => inlines(cell.tokens, depth)),
    rows: table.rows.map((row) => row.map((cell) => inlines(cell.tokens, depth))),
  };
}

function inlines(tokens: readonly Token[], depth: number): MdInline[] {
  const out: MdInline[] = [];
  for (const token of tokens) {
    // A text token with tokens of its own (a tight item's text) is its children, in place.
    const nodes = token.type === 'text' && token.tokens ? inlines(token.tokens, depth) : [toInline(token, depth)];
    for (const node of nodes) {
      if (node) pushInline(out, node);
    }
  }
  return out;
}

/** Appends `node`; adjacent words become one text node, as a browser would show them. */
function pushInline(out: MdInline[], node: MdInline): void {
  const last = out[out.length - 1];
  if (node.type === 'text' && last?.type === 'text') last.text += node.text;
  else out.push(node);
}

function toInline(token: Token, depth: number): MdInline | null {
  if (depth > MAX_NESTING_DEPTH) return { type: 'text', text: token.raw };
  switch (token.type) {
    case 'text':
      return { type: 'text', text: decodeEntities(token.text as string) };
    case 'escape':
      return { type: 'text', text: token.text as string };
    case 'codespan':
      return { type: 'code', text: token.text as string };
    case 'em':
      return { type: 'emphasis', children: inlines(token.tokens ?? [], depth + 1) };
    case 'strong':
      return { type: 'strong', children: inlines(token.tokens ?? [], depth + 1) };
    case 'del':
      return { type: 'delete', children: inlines(token.tokens ?? [], depth + 1) };
    case 'br':
      return { type: 'break' };
    case 'link': {
      const link = token as Tokens.Link;
      const decode = link.autolink ? (value: string) => value : decodeEntities;
      return {
        type: 'link',
        href: decode(link.href),
        title: link.title ? decode(link.title) : null,
        children: inlines(link.tokens, depth + 1),
      };
    }
    case 'image': {
      const image = token as Tokens.Image;
      return {
        type: 'image',
        src: decodeEntities(image.href),
        title: image.title ? decodeEntities(image.title) : null,
        alt: plainText(inlines(image.tokens, depth + 1)),
      };
    }
    case 'html':
      // Raw HTML is never rendered: its source, as text.
      return { type: 'text', text: token.raw };
    default:
      return token.raw ? { type: 'text', text: token.raw } : null;
  }
}

/** The words of inline nodes (an image's alt text is its label's words, without formatting). */
function plainText(nodes: readonly MdInline[]): string {
  let text = '';
  for (const node of nodes) {
    if (node.type === 'text' || node.type === 'code') text += node.text;
    else if (node.type === 'image') text += node.alt;
    else if (node.type === 'break') text += '\n';
    else text += plainText(node.children);
  }
  return text;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

/** Decodes character references (`&amp;`, `&#35;`, `&copy;`) to the characters they name; unknown names stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name === undefined) {
      const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
      // CommonMark: invalid code points and NUL become U+FFFD.
      return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
    }
    return Object.hasOwn(NAMED_ENTITIES, name) ? NAMED_ENTITIES[name]! : (namedByBrowser(name) ?? whole);
  });
}

let entityDecoder: HTMLElement | undefined;

/**
 * The character a named reference stands for, read from the browser's own table (2,000+
 * names we need not ship); `null` outside a DOM or for an unknown name. Only `&name;` with
 * a checked name reaches innerHTML, so no markup can.
 */
function namedByBrowser(name: string): string | null {
  if (typeof document === 'undefined') return null;
  entityDecoder ??= document.createElement('i');
  const reference = `&${name};`;
  entityDecoder.innerHTML = reference;
  const decoded = entityDecoder.textContent ?? reference;
  // A legacy name decodes without its `;` (`&copycat;` → `©cat;`): that is not this name.
  return decoded === reference || (decoded.length > 1 && decoded.endsWith(';')) ? null : decoded;
}
