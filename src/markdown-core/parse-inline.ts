/**
 * The inline half of message markdown (emphasis, code spans, links, images, autolinks,
 * GFM strikethrough and bare URLs) in time linear in the text: CommonMark's reference
 * algorithm (spec appendix "Processing emphasis"), where marked scanned forward from every
 * opener (quadratic: 10,000 characters of `*a_` took a second).
 *
 * - Delimiter runs go on a stack; a closer looks back for its opener, and where none was
 *   found the search floor for that kind (character, can-open, length mod 3) is raised,
 *   so no closer of a kind passes the same delimiters twice (`openers_bottom`).
 * - `[` and `![` go on a bracket stack; a link makes every earlier `[` inactive at once
 *   (a serial number, not a walk), and a shortcut label is never read past 999 characters.
 * - A code span finds its closer in a table of backtick runs built once per text; raw
 *   HTML comments and the like find their end through one remembered search per ending.
 * - Link destinations nest parentheses at most 32 deep (cmark's bound), so a failed `](`
 *   reads a bounded stretch.
 */
import { decodeEntities } from './decode-entities.ts';
import { newNode, toTree, type Node } from './inline-nodes.ts';
import type { LinkDefinitionMap } from './link-definitions.ts';
import {
  BARE_URL,
  BARE_URL_IN_BRACKETS,
  BEFORE_BARE_URL,
  charAt,
  charBefore,
  EMAIL_AUTOLINK,
  EMAIL_DOMAIN,
  EMAIL_LOCAL,
  ENTITY,
  ESCAPABLE,
  HTML_OTHER,
  HTML_TAG,
  labelKey,
  LINK_LABEL,
  LINK_TITLE,
  matchAt,
  MAX_DESTINATION_PARENS,
  MAX_LABEL_CHARS,
  POINTY_DESTINATION,
  PUNCTUATION,
  SPACE_AND_LINE,
  TEXT_RUN,
  trimBareUrl,
  unescape,
  URI_AUTOLINK,
  WHITESPACE,
} from './inline-syntax.ts';
import type { MdInline } from './markdown-tree.ts';

/** Link reference definitions by normalized label (`labelKey`), as the block parser collects them (`link-definitions.ts`). */
export type LinkDefinitions = Readonly<LinkDefinitionMap>;

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
  /** Another `[` came after this one, so its shortcut label would hold a bracket. */
  bracketAfter: boolean;
  /** The top of the delimiter stack when this bracket was pushed. */
  delimiter: Delimiter | null;
  prev: Bracket | null;
}

/** Parses one block's inline markdown (a paragraph, heading or cell) into our tree; `depth` is the block's nesting. */
export function parseInline(source: string, definitions: LinkDefinitions, depth: number): MdInline[] {
  let end = source.length;
  while (end > 0 && (source[end - 1] === ' ' || source[end - 1] === '\t' || source[end - 1] === '\n')) end--;
  const trimmed = source.slice(0, end);
  return toTree(new InlineParser(trimmed, definitions).parse(), trimmed, depth, false);
}

class InlineParser {
  private readonly root = newNode('text', '', 0);
  private pos = 0;
  private delimiters: Delimiter | null = null;
  private brackets: Bracket | null = null;
  private delimiterSerial = 0;
  private bracketSerial = 0;
  /** Brackets with a smaller serial came before the last link: they can no longer open one. */
  private activeFrom = 0;
  private backtickRuns: Map<number, number[]> | undefined;
  private readonly backtickCursor = new Map<number, number>();
  private readonly endings = new Map<string, number>();

  constructor(
    private readonly source: string,
    private readonly definitions: LinkDefinitions,
  ) {}

  /** The first parsed node (the rest follow by `next`). */
  parse(): Node | null {
    const source = this.source;
    this.skipLineStart();
    while (this.pos < source.length) {
      const char = source[this.pos]!;
      switch (char) {
        case '\n':
          this.pos++;
          this.newline(false);
          break;
        case '\\':
          this.backslash();
          break;
        case '`':
          this.codeSpan();
          break;
        case '*':
        case '_':
        case '~':
          this.delimiterRun(char);
          break;
        case '[':
          this.openBracket(false);
          break;
        case '!':
          if (source[this.pos + 1] === '[') this.openBracket(true);
          else this.word('!');
          break;
        case ']':
          this.closeBracket();
          break;
        case '<':
          this.lessThan();
          break;
        case '&': {
          const entity = matchAt(ENTITY, source, this.pos);
          if (entity) {
            this.text(decodeEntities(entity[0]), false);
            this.pos += entity[0].length;
          } else this.word('&');
          break;
        }
        case '@':
          if (!this.email()) this.word('@');
          break;
        case 'h':
        case 'w':
          if (!this.bareUrl()) this.word(char);
          break;
        default:
          this.word(matchAt(TEXT_RUN, source, this.pos)![0]);
      }
    }
    this.processEmphasis(null);
    return this.root.first;
  }

  private append(node: Node): Node {
    const root = this.root;
    node.prev = root.last;
    node.next = null;
    if (root.last) root.last.next = node;
    else root.first = node;
    root.last = node;
    return node;
  }

  private unlink(node: Node): void {
    if (node.prev) node.prev.next = node.next;
    else this.root.first = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.root.last = node.prev;
  }

  /** Moves the nodes after `from` and before `to` (null: to the end) into `container`, which takes their place. */
  private wrap(container: Node, from: Node, to: Node | null): void {
    const first = from.next;
    if (first && first !== to) {
      container.first = first;
      container.last = to ? to.prev : this.root.last;
      first.prev = null;
      container.last!.next = null;
    }
    from.next = container;
    container.prev = from;
    container.next = to;
    if (to) to.prev = container;
    else this.root.last = container;
  }

  private text(value: string, literal: boolean): void {
    const last = this.root.last;
    if (literal && last?.literal) last.text += value;
    else this.append(newNode('text', value, this.pos, this.pos, literal));
  }

  /** Words as written, and past them. */
  private word(value: string): void {
    this.text(value, true);
    this.pos += value.length;
  }

  private skipLineStart(): void {
    while (this.source[this.pos] === ' ' || this.source[this.pos] === '\t') this.pos++;
  }

  /** A line ending: a hard break after two spaces (or a backslash), else a soft one; the next line's indent is dropped. */
  private newline(hard: boolean): void {
    const last = this.root.last;
    if (last?.type === 'text' && last.text.endsWith(' ')) {
      let end = last.text.length;
      while (end > 0 && last.text[end - 1] === ' ') end--;
      hard ||= last.text.length - end >= 2;
      last.text = last.text.slice(0, end);
    }
    if (hard) this.append(newNode('break', '', this.pos));
    else this.text('\n', true);
    this.skipLineStart();
  }

  private backslash(): void {
    const next = this.source[this.pos + 1];
    if (next === '\n') {
      this.pos += 2;
      this.newline(true);
    } else if (next !== undefined && ESCAPABLE.test(next)) {
      this.text(next, false);
      this.pos += 2;
    } else this.word('\\');
  }

  private delimiterRun(char: string): void {
    const source = this.source;
    const start = this.pos;
    while (source[this.pos] === char) this.pos++;
    const length = this.pos - start;
    const before = charBefore(source, start);
    const after = charAt(source, this.pos);
    const beforeSpace = WHITESPACE.test(before);
    const afterSpace = WHITESPACE.test(after);
    const beforePunctuation = PUNCTUATION.test(before);
    const afterPunctuation = PUNCTUATION.test(after);
    const leftFlanking = !afterSpace && (!afterPunctuation || beforeSpace || beforePunctuation);
    const rightFlanking = !beforeSpace && (!beforePunctuation || afterSpace || afterPunctuation);
    const canOpen = char === '_' ? leftFlanking && (!rightFlanking || beforePunctuation) : leftFlanking;
    const canClose = char === '_' ? rightFlanking && (!leftFlanking || afterPunctuation) : rightFlanking;
    const node = this.append(newNode('text', source.slice(start, this.pos), start));
    // GFM strikethrough takes one or two tildes; a longer run is words.
    if ((!canOpen && !canClose) || (char === '~' && length > 2)) return;
    const delimiter: Delimiter = {
      char,
      count: length,
      length,
      canOpen,
      canClose,
      node,
      serial: this.delimiterSerial++,
      prev: this.delimiters,
      next: null,
    };
    if (this.delimiters) this.delimiters.next = delimiter;
    this.delimiters = delimiter;
  }

  private removeDelimiter(delimiter: Delimiter): void {
    if (delimiter.prev) delimiter.prev.next = delimiter.next;
    if (delimiter.next) delimiter.next.prev = delimiter.prev;
    else this.delimiters = delimiter.prev;
  }

  /** Matches the delimiters above `bottom` into emphasis, strong and strikethrough, then drops them. */
  private processEmphasis(bottom: Delimiter | null): void {
    const bottomSerial = bottom ? bottom.serial : -1;
    /** By kind of closer: no opener for it at or below this serial. */
    const floors = new Map<string, number>();
    let closer = this.delimiters;
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
        if (!closer.canOpen) this.removeDelimiter(closer);
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
      this.wrap(newNode(type, '', openerNode.start + opener.count, closerNode.start + used), openerNode, closerNode);
      closerNode.start += used;
      // The delimiters between are words now.
      opener.next = closer;
      closer.prev = opener;
      if (opener.count === 0) {
        this.unlink(openerNode);
        this.removeDelimiter(opener);
      }
      if (closer.count === 0) {
        this.unlink(closerNode);
        const next = closer.next;
        this.removeDelimiter(closer);
        closer = next;
      }
    }
    while (this.delimiters && this.delimiters.serial > bottomSerial) this.delimiters = this.delimiters.prev;
    if (this.delimiters) this.delimiters.next = null;
  }

  /** The start of the first run of exactly `length` backticks at or after `from`, or -1. */
  private closingBackticks(from: number, length: number): number {
    const source = this.source;
    if (!this.backtickRuns) {
      this.backtickRuns = new Map();
      for (let index = 0; index < source.length;) {
        if (source[index] !== '`') {
          index++;
          continue;
        }
        const start = index;
        while (source[index] === '`') index++;
        const runs = this.backtickRuns.get(index - start) ?? [];
        runs.push(start);
        this.backtickRuns.set(index - start, runs);
      }
    }
    const runs = this.backtickRuns.get(length);
    if (!runs) return -1;
    // Code spans are found left to right, so each length's cursor only moves on.
    let cursor = this.backtickCursor.get(length) ?? 0;
    while (cursor < runs.length && runs[cursor]! < from) cursor++;
    this.backtickCursor.set(length, cursor);
    return cursor < runs.length ? runs[cursor]! : -1;
  }

  private codeSpan(): void {
    const start = this.pos;
    while (this.source[this.pos] === '`') this.pos++;
    const length = this.pos - start;
    const close = this.closingBackticks(this.pos, length);
    if (close < 0) {
      this.text(this.source.slice(start, this.pos), false);
      return;
    }
    let code = this.source.slice(this.pos, close).replace(/\n/g, ' ');
    if (code.length > 2 && code[0] === ' ' && code[code.length - 1] === ' ' && code.trim()) code = code.slice(1, -1);
    this.pos = close + length;
    this.append(newNode('code', code, start, this.pos));
  }

  /** The end of the first `ending` at or after `from`, or -1: one search per ending, as `from` only grows. */
  private endOf(ending: string, from: number): number {
    let at = this.endings.get(ending);
    if (at === undefined || (at >= 0 && at < from)) {
      at = this.source.indexOf(ending, from);
      this.endings.set(ending, at);
    }
    return at < 0 ? -1 : at + ending.length;
  }

  /** `<`: an autolink, raw HTML (shown as its source, never markup) or the character. */
  private lessThan(): void {
    const source = this.source;
    const pos = this.pos;
    const uri = matchAt(URI_AUTOLINK, source, pos);
    const email = uri ? null : matchAt(EMAIL_AUTOLINK, source, pos);
    const address = uri ?? email;
    if (address) {
      this.link(email ? `mailto:${address[1]}` : address[1]!, address[1]!, pos + address[0].length, true);
      return;
    }
    let end = -1;
    for (const [opening, ending] of HTML_OTHER) {
      const open = matchAt(opening, source, pos);
      if (!open) continue;
      end = ending ? this.endOf(ending, pos + open[0].length) : pos + open[0].length;
      break;
    }
    const tag = end < 0 ? matchAt(HTML_TAG, source, pos) : null;
    if (tag) end = pos + tag[0].length;
    if (end < 0) {
      this.word('<');
      return;
    }
    this.text(source.slice(pos, end), false);
    this.pos = end;
  }

  /** Appends a link whose words are `words` (an autolink; `<…>` around them if `angled`), ending at `end`. */
  private link(href: string, words: string, end: number, angled: boolean): void {
    const start = end - words.length - (angled ? 2 : 0);
    const link = this.append(newNode('link', href, start, end));
    link.first = link.last = newNode('text', words, start);
    this.pos = end;
  }

  /** A bare `https://…`, `http://…` or `www.…` (GFM) at a word's start. */
  private bareUrl(): boolean {
    const pos = this.pos;
    if (!BEFORE_BARE_URL.test(charBefore(this.source, pos))) return false;
    // Inside a link's words `]` ends them (GFM finds bare URLs in the words, after the links).
    const url = trimBareUrl(matchAt(this.brackets ? BARE_URL_IN_BRACKETS : BARE_URL, this.source, pos)?.[0] ?? '');
    if (!/^(?:https?:\/\/|www\.)[\w-]/.test(url)) return false;
    this.link(url.startsWith('www.') ? `http://${url}` : url, url, pos + url.length, false);
    return true;
  }

  /** `local@domain.tld` (GFM): the local part is the end of the words just before. */
  private email(): boolean {
    const last = this.root.last;
    if (!last?.literal) return false;
    let local = last.text.length;
    while (local > 0 && EMAIL_LOCAL.test(last.text[local - 1]!)) local--;
    const domain = matchAt(EMAIL_DOMAIN, this.source, this.pos + 1);
    if (local === last.text.length || !domain || /[-_]$/.test(domain[0])) return false;
    const address = `${last.text.slice(local)}@${domain[0]}`;
    last.text = last.text.slice(0, local);
    this.link(`mailto:${address}`, address, this.pos + domain[0].length + 1, false);
    return true;
  }

  private openBracket(image: boolean): void {
    const start = this.pos;
    this.pos += image ? 2 : 1;
    if (this.brackets) this.brackets.bracketAfter = true;
    this.brackets = {
      node: this.append(newNode('text', image ? '![' : '[', start)),
      image,
      index: this.pos,
      serial: this.bracketSerial++,
      bracketAfter: false,
      delimiter: this.delimiters,
      prev: this.brackets,
    };
  }

  /** Past spaces and at most one line ending. */
  private spaceAndLine(): void {
    this.pos += matchAt(SPACE_AND_LINE, this.source, this.pos)![0].length;
  }

  /** A destination (`<…>` or balanced words without spaces), unescaped; null if there is none here. */
  private linkDestination(): string | null {
    const source = this.source;
    const pointy = matchAt(POINTY_DESTINATION, source, this.pos);
    if (pointy) {
      this.pos += pointy[0].length;
      return unescape(pointy[1]!);
    }
    if (source[this.pos] === '<') return null;
    const start = this.pos;
    let parens = 0;
    for (; this.pos < source.length; this.pos++) {
      const char = source[this.pos]!;
      if (char === '\\' && ESCAPABLE.test(source[this.pos + 1] ?? '')) this.pos++;
      else if (char === '(' && ++parens > MAX_DESTINATION_PARENS) return null;
      else if (char === ')' && --parens < 0) break;
      else if (char <= ' ') break;
    }
    if (parens > 0 || (this.pos === start && source[this.pos] !== ')')) return null;
    return unescape(source.slice(start, this.pos));
  }

  /** `(destination "title")` just after `]`: moves past it, or stays and returns null. */
  private inlineLink(): { href: string; title: string | null } | null {
    const start = this.pos;
    if (this.source[this.pos] !== '(') return null;
    this.pos++;
    this.spaceAndLine();
    const href = this.linkDestination();
    if (href !== null) {
      const afterHref = this.pos;
      this.spaceAndLine();
      const quoted = this.pos > afterHref ? matchAt(LINK_TITLE, this.source, this.pos) : null;
      if (quoted) this.pos += quoted[0].length;
      this.spaceAndLine();
      if (this.source[this.pos] === ')') {
        this.pos++;
        const title = quoted ? (quoted[1] ?? quoted[2] ?? quoted[3]!) : null;
        return { href, title: title === null ? null : unescape(title) };
      }
    }
    this.pos = start;
    return null;
  }

  /** A reference after `]`: `[text][label]`, `[label][]` or `[label]`; moves past it, or stays and returns null. */
  private referenceLink(opener: Bracket, closeAt: number): { href: string; title: string | null } | null {
    const afterClose = this.pos;
    const label = matchAt(LINK_LABEL, this.source, this.pos);
    let name: string | null = null;
    if (label && label[0].length > 2) name = label[1]!;
    else if (!opener.bracketAfter && closeAt - opener.index <= MAX_LABEL_CHARS) name = this.source.slice(opener.index, closeAt);
    const definition = name?.trim() ? this.definitions[labelKey(name)] : undefined;
    if (!definition) {
      this.pos = afterClose;
      return null;
    }
    if (label) this.pos += label[0].length;
    return { href: definition.href, title: definition.title || null };
  }

  private closeBracket(): void {
    const closeAt = this.pos;
    this.pos++;
    const opener = this.brackets;
    if (opener) this.brackets = opener.prev;
    const target =
      opener && (opener.image || opener.serial >= this.activeFrom) ? (this.inlineLink() ?? this.referenceLink(opener, closeAt)) : null;
    if (!opener || !target) {
      this.text(']', true);
      return;
    }
    this.processEmphasis(opener.delimiter);
    const link = newNode(opener.image ? 'image' : 'link', target.href, opener.node.start, this.pos);
    link.title = target.title || null;
    this.wrap(link, opener.node, null);
    this.unlink(opener.node);
    // No link holds another: every `[` before this one is words now.
    if (!opener.image) this.activeFrom = this.bracketSerial;
  }
}
