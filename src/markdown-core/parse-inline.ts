/**
 * The inline half of message markdown (emphasis, code spans, links, images, autolinks,
 * GFM strikethrough and bare URLs), in time linear in the text: CommonMark's reference
 * algorithm (spec appendix "Processing emphasis"), not a scan forward from every opener.
 *
 * - Delimiter runs go on a stack; a closer looks back for its opener, and where none was
 *   found the search floor for that kind (character, can-open, length mod 3) is raised,
 *   so no delimiter is passed twice by the same kind of closer (`openers_bottom`).
 * - `[` and `![` go on a bracket stack; a link makes every earlier `[` inactive at once
 *   (one serial number, not a walk), and a shortcut label longer than a label may be is
 *   never read.
 * - A code span finds its closer in a table of backtick runs built once per text; raw
 *   HTML comments and the like find their end through one remembered search per ending.
 * - Link destinations nest parentheses at most 32 deep (cmark's bound), so a failed `](`
 *   reads a bounded stretch.
 *
 * Nodes live in linked lists, so wrapping a run of them in emphasis or a link is O(1).
 */
import { decodeEntities } from './decode-entities.ts';
import type { MdInline } from './markdown-tree.ts';

/** Deeper nesting (a quote in a list in a quote…, emphasis in a link in…) is flattened to its source text. */
export const MAX_NESTING_DEPTH = 16;

/** Link reference definitions by label (as marked's block lexer collects them). */
export type LinkDefinitions = Readonly<Record<string, { href: string; title?: string | null }>>;

type NodeType = 'text' | 'code' | 'break' | 'emphasis' | 'strong' | 'delete' | 'link' | 'image';

/** A parsed inline: `text` is the words of text and code, the target of a link or image. */
interface Node {
  type: NodeType;
  text: string;
  start: number;
  end: number;
  /** Text as written (no escape or reference), so an e-mail address may end in it. */
  literal: boolean;
  /** A bare URL or e-mail address turned into a link: only words inside another link. */
  bare: boolean;
  title: string | null;
  prev: Node | null;
  next: Node | null;
  first: Node | null;
  last: Node | null;
}

interface Delimiter {
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

interface Bracket {
  node: Node;
  image: boolean;
  /** Where the label starts (after `[`). */
  index: number;
  serial: number;
  /** Another `[` came after this one: its shortcut label would hold a bracket. */
  bracketAfter: boolean;
  /** The top of the delimiter stack when this bracket was pushed. */
  delimiter: Delimiter | null;
  prev: Bracket | null;
}

/** CommonMark's limits: link labels hold at most 999 characters, destinations nest `(` at most 32 deep (cmark). */
const MAX_LABEL_CHARS = 999;
const MAX_DESTINATION_PARENS = 32;

const ESCAPABLE = /[!-/:-@[-`{-~]/;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const WHITESPACE = /\s/;
const TEXT_RUN = /[^\n\\`*_~[\]!<&@hw]+/y;
const ENTITY = /&(?:#[xX][\da-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z\d]{1,31});/y;
const URI_AUTOLINK = /<([A-Za-z][A-Za-z\d+.-]{1,31}:[^<>\0- ]*)>/y;
const EMAIL_AUTOLINK = /<([\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z\d](?:[A-Za-z\d-]{0,61}[A-Za-z\d])?(?:\.[A-Za-z\d](?:[A-Za-z\d-]{0,61}[A-Za-z\d])?)*)>/y;
const ATTRIBUTE = `\\s+[A-Za-z_:][\\w.:-]*(?:\\s*=\\s*(?:[^\\s"'=<>\`]+|'[^']*'|"[^"]*"))?`;
const HTML_TAG = new RegExp(`<(?:[A-Za-z][A-Za-z\\d-]*(?:${ATTRIBUTE})*\\s*/?>|/[A-Za-z][A-Za-z\\d-]*\\s*>)`, 'y');
/** HTML that is not a tag ends at a fixed string: comment, processing instruction, CDATA, declaration. */
const HTML_OTHER: readonly (readonly [RegExp, string])[] = [
  [/<!---?>/y, ''],
  [/<!--/y, '-->'],
  [/<\?/y, '?>'],
  [/<!\[CDATA\[/y, ']]>'],
  [/<![A-Za-z]/y, '>'],
];
const BARE_URL = /(?:https?:\/\/|www\.)[\w-]+(?:\.[\w-]+)*[^\s<]*/y;
const EMAIL_DOMAIN = /[\w-]+(?:\.[\w-]+)+/y;
const EMAIL_LOCAL = /[\w.+-]/;
const SPACE_AND_LINE = /[ \t]*(?:\n[ \t]*)?/y;
const LINK_LABEL = /\[((?:[^\\[\]]|\\[^]){0,999})\]/y;
const POINTY_DESTINATION = /<((?:[^<>\n\\]|\\[^])*)>/y;
const LINK_TITLE = /"((?:\\[^]|[^"\\])*)"|'((?:\\[^]|[^'\\])*)'|\(((?:\\[^]|[^()\\])*)\)/y;
const ESCAPE_OR_ENTITY = /\\([!-/:-@[-`{-~])|&(?:#[xX][\da-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z\d]{1,31});/g;
/** Characters a bare URL does not end with (GFM). */
const URL_TRAILING = '?!.,:*_~\'"';

function node(type: NodeType, text: string, start: number, end = start, literal = false): Node {
  return { type, text, start, end, literal, bare: false, title: null, prev: null, next: null, first: null, last: null };
}

/** Backslash escapes and character references resolved, as in link destinations and titles. */
function unescape(text: string): string {
  return text.replace(ESCAPE_OR_ENTITY, (whole, escaped: string | undefined) => escaped ?? decodeEntities(whole));
}

/** A label as marked keys its definitions: trimmed, whitespace collapsed, case folded. */
function labelKey(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase().toUpperCase().toLowerCase();
}

function matchAt(pattern: RegExp, source: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(source);
}

/** The character (code point) ending just before `at`, or a newline at the start. */
function charBefore(source: string, at: number): string {
  if (at === 0) return '\n';
  const low = source.charCodeAt(at - 1);
  return low >= 0xdc00 && low <= 0xdfff && at > 1 ? source.slice(at - 2, at) : source[at - 1]!;
}

function charAt(source: string, at: number): string {
  return at < source.length ? String.fromCodePoint(source.codePointAt(at)!) : '\n';
}

/** Parses the inline content of one block (paragraph, heading, cell) into its node list. */
function parse(source: string, definitions: LinkDefinitions): Node {
  const root = node('text', '', 0, source.length);
  let pos = 0;
  let delimiters: Delimiter | null = null;
  let brackets: Bracket | null = null;
  let delimiterSerial = 0;
  let bracketSerial = 0;
  /** Brackets with a smaller serial came before the last link: they can no longer open one. */
  let activeFrom = 0;
  let backtickRuns: Map<number, number[]> | undefined;
  const backtickCursor = new Map<number, number>();
  const endings = new Map<string, number>();

  const append = (child: Node): Node => {
    child.prev = root.last;
    child.next = null;
    if (root.last) root.last.next = child;
    else root.first = child;
    root.last = child;
    return child;
  };
  const unlink = (child: Node): void => {
    if (child.prev) child.prev.next = child.next;
    else root.first = child.next;
    if (child.next) child.next.prev = child.prev;
    else root.last = child.prev;
  };
  const text = (value: string, literal: boolean): void => {
    const last = root.last;
    if (literal && last?.literal) last.text += value;
    else append(node('text', value, pos, pos, literal));
  };
  const skipLineStart = (): void => {
    while (source[pos] === ' ' || source[pos] === '\t') pos++;
  };

  /** Moves the nodes after `from` up to `to` (exclusive; null: to the end) into `container`, which takes their place. */
  const wrap = (container: Node, from: Node, to: Node | null): void => {
    const first = from.next;
    const last = to ? to.prev : root.last;
    if (first && first !== to) {
      container.first = first;
      container.last = last;
      first.prev = null;
      last!.next = null;
    }
    from.next = container;
    container.prev = from;
    container.next = to;
    if (to) to.prev = container;
    else root.last = container;
  };

  const removeDelimiter = (delimiter: Delimiter): void => {
    if (delimiter.prev) delimiter.prev.next = delimiter.next;
    if (delimiter.next) delimiter.next.prev = delimiter.prev;
    else delimiters = delimiter.prev;
  };

  /** Matches the delimiters above `bottom` into emphasis, strong and strikethrough, then drops them. */
  const processEmphasis = (bottom: Delimiter | null): void => {
    const bottomSerial = bottom ? bottom.serial : -1;
    const floors = new Map<string, number>();
    let closer = delimiters;
    while (closer?.prev && closer.prev.serial > bottomSerial) closer = closer.prev;
    if (closer && closer.serial <= bottomSerial) closer = null;
    while (closer) {
      if (!closer.canClose) {
        closer = closer.next;
        continue;
      }
      const char = closer.char;
      const key = char === '~' ? `~${closer.length}` : `${char}${closer.canOpen ? 3 : 0}${closer.length % 3}`;
      const floor = Math.max(bottomSerial, floors.get(key) ?? -1);
      let opener = closer.prev;
      while (opener && opener.serial > floor) {
        if (opener.char === char && opener.canOpen) {
          // The rule of three: a run that can both open and close matches only if the sum of lengths is not a multiple of 3.
          const oddMatch =
            (closer.canOpen || opener.canClose) && closer.length % 3 !== 0 && (opener.length + closer.length) % 3 === 0;
          if (char === '~' ? opener.length === closer.length : !oddMatch) break;
        }
        opener = opener.prev;
      }
      if (!opener || opener.serial <= floor) {
        floors.set(key, closer.prev ? closer.prev.serial : -1);
        const next = closer.next;
        if (!closer.canOpen) removeDelimiter(closer);
        closer = next;
        continue;
      }
      const used = char === '~' ? closer.count : closer.count >= 2 && opener.count >= 2 ? 2 : 1;
      const openerNode = opener.node;
      const closerNode = closer.node;
      opener.count -= used;
      closer.count -= used;
      openerNode.text = openerNode.text.slice(used);
      closerNode.text = closerNode.text.slice(used);
      const type = char === '~' ? 'delete' : used === 1 ? 'emphasis' : 'strong';
      const container = node(type, '', openerNode.start + opener.count, closerNode.start + used);
      closerNode.start += used;
      wrap(container, openerNode, closerNode);
      opener.next = closer;
      closer.prev = opener;
      if (opener.count === 0) {
        unlink(openerNode);
        removeDelimiter(opener);
      }
      if (closer.count === 0) {
        unlink(closerNode);
        const next = closer.next;
        removeDelimiter(closer);
        closer = next;
      }
    }
    while (delimiters && delimiters.serial > bottomSerial) delimiters = delimiters.prev;
    if (delimiters) delimiters.next = null;
  };

  const handleDelimiters = (char: string): void => {
    const start = pos;
    while (source[pos] === char) pos++;
    const length = pos - start;
    const before = charBefore(source, start);
    const after = charAt(source, pos);
    const beforeSpace = WHITESPACE.test(before);
    const afterSpace = WHITESPACE.test(after);
    const beforePunctuation = PUNCTUATION.test(before);
    const afterPunctuation = PUNCTUATION.test(after);
    const leftFlanking = !afterSpace && (!afterPunctuation || beforeSpace || beforePunctuation);
    const rightFlanking = !beforeSpace && (!beforePunctuation || afterSpace || afterPunctuation);
    const canOpen = char === '_' ? leftFlanking && (!rightFlanking || beforePunctuation) : leftFlanking;
    const canClose = char === '_' ? rightFlanking && (!leftFlanking || afterPunctuation) : rightFlanking;
    const run = append(node('text', source.slice(start, pos), start));
    // GFM strikethrough takes one or two tildes; a longer run is words.
    if ((canOpen || canClose) && (char !== '~' || length <= 2)) {
      const delimiter: Delimiter = {
        char,
        count: length,
        length,
        canOpen,
        canClose,
        node: run,
        serial: delimiterSerial++,
        prev: delimiters,
        next: null,
      };
      if (delimiters) delimiters.next = delimiter;
      delimiters = delimiter;
    }
  };

  /** The start of the first run of exactly `length` backticks at or after `from`, or -1. */
  const closingBackticks = (from: number, length: number): number => {
    if (!backtickRuns) {
      backtickRuns = new Map();
      for (let index = 0; index < source.length; ) {
        if (source[index] !== '`') {
          index++;
          continue;
        }
        const start = index;
        while (source[index] === '`') index++;
        const runs = backtickRuns.get(index - start) ?? [];
        runs.push(start);
        backtickRuns.set(index - start, runs);
      }
    }
    const runs = backtickRuns.get(length);
    if (!runs) return -1;
    let cursor = backtickCursor.get(length) ?? 0;
    while (cursor < runs.length && runs[cursor]! < from) cursor++;
    backtickCursor.set(length, cursor);
    return cursor < runs.length ? runs[cursor]! : -1;
  };

  const codeSpan = (): void => {
    const start = pos;
    while (source[pos] === '`') pos++;
    const length = pos - start;
    const close = closingBackticks(pos, length);
    if (close < 0) {
      text(source.slice(start, pos), false);
      return;
    }
    let code = source.slice(pos, close).replace(/\n/g, ' ');
    if (code.length > 2 && code[0] === ' ' && code[code.length - 1] === ' ' && code.trim()) code = code.slice(1, -1);
    pos = close + length;
    append(node('code', code, start, pos));
  };

  /** The end of `ending` at or after `from`, or -1; one search per ending, as `from` only grows. */
  const endOf = (ending: string, from: number): number => {
    let at = endings.get(ending);
    if (at === undefined || (at >= 0 && at < from)) {
      at = source.indexOf(ending, from);
      endings.set(ending, at);
    }
    return at < 0 ? -1 : at + ending.length;
  };

  const lessThan = (): void => {
    const uri = matchAt(URI_AUTOLINK, source, pos);
    const email = uri ? null : matchAt(EMAIL_AUTOLINK, source, pos);
    const address = uri ?? email;
    if (address) {
      const link = append(node('link', email ? `mailto:${address[1]}` : address[1]!, pos, pos + address[0].length));
      link.first = link.last = node('text', address[1]!, pos);
      pos = link.end;
      return;
    }
    let end = -1;
    for (const [opening, ending] of HTML_OTHER) {
      const open = matchAt(opening, source, pos);
      if (!open) continue;
      end = ending ? endOf(ending, pos + open[0].length) : pos + open[0].length;
      break;
    }
    const tag = end < 0 ? matchAt(HTML_TAG, source, pos) : null;
    if (tag) end = pos + tag[0].length;
    // Raw HTML is never markup: its source, as words.
    if (end > pos) {
      text(source.slice(pos, end), false);
      pos = end;
    } else {
      text('<', true);
      pos++;
    }
  };

  /** A bare `https://…`, `http://…` or `www.…` (GFM) at a word's start. */
  const bareUrl = (): boolean => {
    if (!/[\s*_~(]/.test(charBefore(source, pos))) return false;
    const match = matchAt(BARE_URL, source, pos);
    if (!match) return false;
    let url = match[0];
    let open = 0;
    let close = 0;
    for (const char of url) {
      if (char === '(') open++;
      else if (char === ')') close++;
    }
    for (;;) {
      const last = url[url.length - 1]!;
      const reference = last === ';' ? /^&[A-Za-z\d]+;$/.exec(url.slice(url.lastIndexOf('&'))) : null;
      if (URL_TRAILING.includes(last)) url = url.slice(0, -1);
      else if (last === ')' && close > open) {
        url = url.slice(0, -1);
        close--;
      } else if (reference) url = url.slice(0, -reference[0].length);
      else break;
    }
    if (!/^(?:https?:\/\/|www\.)[\w-]/.test(url)) return false;
    const link = append(node('link', url.startsWith('www.') ? `http://${url}` : url, pos, pos + url.length));
    link.bare = true;
    link.first = link.last = node('text', url, pos);
    pos = link.end;
    return true;
  };

  /** `local@domain.tld` (GFM): the local part is the end of the words just before. */
  const email = (): boolean => {
    const last = root.last;
    if (!last?.literal) return false;
    let local = last.text.length;
    while (local > 0 && EMAIL_LOCAL.test(last.text[local - 1]!)) local--;
    const domain = matchAt(EMAIL_DOMAIN, source, pos + 1);
    if (local === last.text.length || !domain || /[-_]$/.test(domain[0])) return false;
    const address = `${last.text.slice(local)}@${domain[0]}`;
    last.text = last.text.slice(0, local);
    const link = append(node('link', `mailto:${address}`, pos - address.length + domain[0].length + 1));
    link.bare = true;
    link.first = link.last = node('text', address, link.start);
    pos += domain[0].length + 1;
    link.end = pos;
    return true;
  };

  const openBracket = (image: boolean): void => {
    const start = pos;
    pos += image ? 2 : 1;
    if (brackets) brackets.bracketAfter = true;
    brackets = {
      node: append(node('text', image ? '![' : '[', start)),
      image,
      index: pos,
      serial: bracketSerial++,
      bracketAfter: false,
      delimiter: delimiters,
      prev: brackets,
    };
  };

  /** A destination (`<…>` or balanced, unspaced words), unescaped; null if there is none here. */
  const linkDestination = (): string | null => {
    const pointy = matchAt(POINTY_DESTINATION, source, pos);
    if (pointy) {
      pos += pointy[0].length;
      return unescape(pointy[1]!);
    }
    if (source[pos] === '<') return null;
    const start = pos;
    let parens = 0;
    for (; pos < source.length; pos++) {
      const char = source[pos]!;
      if (char === '\\' && ESCAPABLE.test(source[pos + 1] ?? '')) pos++;
      else if (char === '(' && ++parens > MAX_DESTINATION_PARENS) return null;
      else if (char === ')' && --parens < 0) break;
      else if (char <= ' ') break;
    }
    if (parens > 0 || (pos === start && source[pos] !== ')')) return null;
    return unescape(source.slice(start, pos));
  };

  /** Past spaces and at most one line ending. */
  const spaceAndLine = (from: number): number => from + matchAt(SPACE_AND_LINE, source, from)![0].length;

  /** `(destination "title")` after `]`; moves past it, or returns null and stays. */
  const inlineLink = (): { href: string; title: string | null } | null => {
    const start = pos;
    if (source[pos] !== '(') return null;
    pos = spaceAndLine(pos + 1);
    const href = linkDestination();
    if (href !== null) {
      const afterHref = pos;
      pos = spaceAndLine(pos);
      const quoted = pos > afterHref ? matchAt(LINK_TITLE, source, pos) : null;
      if (quoted) pos += quoted[0].length;
      pos = spaceAndLine(pos);
      if (source[pos] === ')') {
        pos++;
        const title = quoted ? (quoted[1] ?? quoted[2] ?? quoted[3]!) : null;
        return { href, title: title === null ? null : unescape(title) };
      }
    }
    pos = start;
    return null;
  };

  const closeBracket = (): void => {
    const closeAt = pos;
    pos++;
    const opener = brackets;
    if (!opener || (!opener.image && opener.serial < activeFrom)) {
      if (opener) brackets = opener.prev;
      text(']', true);
      return;
    }
    let target = inlineLink();
    if (!target) {
      // A reference: `[text][label]`, `[label][]` or `[label]`.
      const afterClose = pos;
      const label = matchAt(LINK_LABEL, source, pos);
      let name: string | null = null;
      if (label && label[0].length > 2) name = label[1]!;
      else if (!opener.bracketAfter && closeAt - opener.index <= MAX_LABEL_CHARS) name = source.slice(opener.index, closeAt);
      if (label) pos += label[0].length;
      const definition = name?.trim() ? definitions[labelKey(name)] : undefined;
      if (definition) target = { href: decodeEntities(definition.href), title: definition.title ? decodeEntities(definition.title) : null };
      else pos = afterClose;
    }
    brackets = opener.prev;
    if (!target) {
      text(']', true);
      return;
    }
    processEmphasis(opener.delimiter);
    const link = node(opener.image ? 'image' : 'link', target.href, opener.node.start, pos);
    link.title = target.title || null;
    wrap(link, opener.node, null);
    unlink(opener.node);
    // Links do not contain links: every `[` before this one is now words.
    if (!opener.image) activeFrom = bracketSerial;
  };

  const newline = (hard: boolean): void => {
    const last = root.last;
    if (last?.type === 'text' && last.text.endsWith(' ')) {
      let end = last.text.length;
      while (end > 0 && last.text[end - 1] === ' ') end--;
      hard ||= last.text.length - end >= 2;
      last.text = last.text.slice(0, end);
    }
    if (hard) append(node('break', '', pos));
    else text('\n', true);
    skipLineStart();
  };

  skipLineStart();
  while (pos < source.length) {
    const char = source[pos]!;
    switch (char) {
      case '\n':
        pos++;
        newline(false);
        break;
      case '\\': {
        const next = source[pos + 1];
        if (next === '\n') {
          pos += 2;
          newline(true);
        } else if (next !== undefined && ESCAPABLE.test(next)) {
          text(next, false);
          pos += 2;
        } else {
          text('\\', true);
          pos++;
        }
        break;
      }
      case '`':
        codeSpan();
        break;
      case '*':
      case '_':
      case '~':
        handleDelimiters(char);
        break;
      case '[':
        openBracket(false);
        break;
      case '!':
        if (source[pos + 1] === '[') openBracket(true);
        else {
          text('!', true);
          pos++;
        }
        break;
      case ']':
        closeBracket();
        break;
      case '<':
        lessThan();
        break;
      case '&': {
        const entity = matchAt(ENTITY, source, pos);
        text(entity ? decodeEntities(entity[0]) : '&', !entity);
        pos += entity ? entity[0].length : 1;
        break;
      }
      case '@':
        if (!email()) {
          text('@', true);
          pos++;
        }
        break;
      case 'h':
      case 'w':
        if (!bareUrl()) {
          text(char, true);
          pos++;
        }
        break;
      default: {
        const run = matchAt(TEXT_RUN, source, pos)![0];
        text(run, true);
        pos += run.length;
      }
    }
  }
  processEmphasis(null);
  return root;
}

/** Parses one block's inline markdown into our tree; `depth` is the block's nesting. */
export function parseInline(source: string, definitions: LinkDefinitions, depth: number): MdInline[] {
  let end = source.length;
  while (end > 0 && (source[end - 1] === ' ' || source[end - 1] === '\t' || source[end - 1] === '\n')) end--;
  const trimmed = source.slice(0, end);
  return toTree(parse(trimmed, definitions).first, trimmed, depth, false);
}

function toTree(first: Node | null, source: string, depth: number, inLink: boolean): MdInline[] {
  const out: MdInline[] = [];
  for (let child = first; child; child = child.next) {
    switch (child.type) {
      case 'text':
        if (child.text) pushText(out, child.text);
        break;
      case 'code':
        out.push({ type: 'code', text: child.text });
        break;
      case 'break':
        out.push({ type: 'break' });
        break;
      default:
        if (depth > MAX_NESTING_DEPTH) pushText(out, source.slice(child.start, child.end));
        else if (child.type === 'image') {
          const alt = plainText(toTree(child.first, source, depth + 1, true));
          out.push({ type: 'image', src: child.text, title: child.title, alt });
        } else if (child.type === 'link') {
          const children = toTree(child.first, source, depth + 1, true);
          // A link inside a link is its words (CommonMark lets no link contain another).
          if (inLink && child.bare) for (const inner of children) pushNode(out, inner);
          else out.push({ type: 'link', href: child.text, title: child.title, children });
        } else {
          out.push({ type: child.type, children: toTree(child.first, source, depth + 1, inLink) });
        }
    }
  }
  return out;
}

function pushText(out: MdInline[], text: string): void {
  pushNode(out, { type: 'text', text });
}

/** Appends `node`; adjacent words become one text node, as a browser would show them. */
function pushNode(out: MdInline[], node: MdInline): void {
  const last = out[out.length - 1];
  if (node.type === 'text' && last?.type === 'text') last.text += node.text;
  else out.push(node);
}

/** The words of inline nodes (an image's alt text is its label's words, without formatting). */
export function plainText(nodes: readonly MdInline[]): string {
  let text = '';
  for (const child of nodes) {
    if (child.type === 'text' || child.type === 'code') text += child.text;
    else if (child.type === 'image') text += child.alt;
    else if (child.type === 'break') text += '\n';
    else text += plainText(child.children);
  }
  return text;
}
