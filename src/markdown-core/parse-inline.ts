/**
 * The inline half of message markdown (emphasis, code spans, links, images, autolinks,
 * GFM strikethrough and bare URLs) in time linear in the text: CommonMark's reference
 * algorithm (spec appendix "Processing emphasis"), where marked scanned forward from every
 * opener (quadratic: 10,000 characters of `*a_` took a second).
 *
 * - Delimiter runs go on a stack and are matched into emphasis there (`emphasis.ts`).
 * - `[` and `![` go on a bracket stack; a link makes every earlier `[` inactive at once
 *   (a serial number, not a walk); what a `]` points to is read by `link-target.ts`.
 * - A code span finds its closer in a table of backtick runs built once per text
 *   (`backtick-runs.ts`); raw HTML comments and the like find their end through one
 *   remembered search per ending.
 */
import { BacktickRuns } from './backtick-runs.ts';
import { decodeEntities } from './decode-entities.ts';
import { DelimiterStack, type Delimiter } from './emphasis.ts';
import { InlineList } from './inline-list.ts';
import { newNode, toTree, type Node } from './inline-nodes.ts';
import {
  BARE_URL,
  BARE_URL_IN_BRACKETS,
  BEFORE_BARE_URL,
  charBefore,
  EMAIL_AUTOLINK,
  EMAIL_DOMAIN,
  EMAIL_LOCAL,
  ENTITY,
  ESCAPABLE,
  HTML_OTHER,
  HTML_TAG,
  matchAt,
  TEXT_RUN,
  trimBareUrl,
  URI_AUTOLINK,
} from './inline-syntax.ts';
import type { LinkDefinitions } from './link-definitions.ts';
import { inlineLink, referenceLink, type LabelOpener } from './link-target.ts';
import type { MdInline } from './markdown-tree.ts';

interface Bracket extends LabelOpener {
  node: Node;
  image: boolean;
  serial: number;
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
  private readonly list = new InlineList();
  private readonly delimiters: DelimiterStack;
  private readonly backticks: BacktickRuns;
  private pos = 0;
  private brackets: Bracket | null = null;
  private bracketSerial = 0;
  /** Brackets with a smaller serial came before the last link: they can no longer open one. */
  private activeFrom = 0;
  private readonly endings = new Map<string, number>();

  constructor(
    private readonly source: string,
    private readonly definitions: LinkDefinitions,
  ) {
    this.delimiters = new DelimiterStack(source, this.list);
    this.backticks = new BacktickRuns(source);
  }

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
    this.delimiters.process(null);
    return this.list.root.first;
  }

  private text(value: string, literal: boolean): void {
    const last = this.list.last;
    if (literal && last?.literal) last.text += value;
    else this.list.append(newNode('text', value, this.pos, this.pos, literal));
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
    const last = this.list.last;
    if (last?.type === 'text' && last.text.endsWith(' ')) {
      let end = last.text.length;
      while (end > 0 && last.text[end - 1] === ' ') end--;
      hard ||= last.text.length - end >= 2;
      last.text = last.text.slice(0, end);
    }
    if (hard) this.list.append(newNode('break', '', this.pos));
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
    const start = this.pos;
    while (this.source[this.pos] === char) this.pos++;
    const node = this.list.append(newNode('text', this.source.slice(start, this.pos), start));
    this.delimiters.push(char, start, this.pos, node);
  }

  private codeSpan(): void {
    const start = this.pos;
    while (this.source[this.pos] === '`') this.pos++;
    const length = this.pos - start;
    const close = this.backticks.closing(this.pos, length);
    if (close < 0) {
      this.text(this.source.slice(start, this.pos), false);
      return;
    }
    let code = this.source.slice(this.pos, close).replace(/\n/g, ' ');
    if (code.length > 2 && code[0] === ' ' && code[code.length - 1] === ' ' && code.trim()) code = code.slice(1, -1);
    this.pos = close + length;
    this.list.append(newNode('code', code, start, this.pos));
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
    const link = this.list.append(newNode('link', href, start, end));
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
    const last = this.list.last;
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
      node: this.list.append(newNode('text', image ? '![' : '[', start)),
      image,
      index: this.pos,
      serial: this.bracketSerial++,
      bracketAfter: false,
      delimiter: this.delimiters.top,
      prev: this.brackets,
    };
  }

  private closeBracket(): void {
    const closeAt = this.pos;
    this.pos++;
    const opener = this.brackets;
    if (opener) this.brackets = opener.prev;
    const target =
      opener && (opener.image || opener.serial >= this.activeFrom)
        ? (inlineLink(this.source, this.pos) ?? referenceLink(this.source, this.pos, closeAt, opener, this.definitions))
        : null;
    if (!opener || !target) {
      this.text(']', true);
      return;
    }
    this.pos = target.end;
    this.delimiters.process(opener.delimiter);
    const link = newNode(opener.image ? 'image' : 'link', target.href, opener.node.start, this.pos);
    link.title = target.title || null;
    this.list.wrap(link, opener.node, null);
    this.list.unlink(opener.node);
    // No link holds another: every `[` before this one is words now.
    if (!opener.image) this.activeFrom = this.bracketSerial;
  }
}
