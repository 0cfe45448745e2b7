/**
 * Inline markdown for chat messages: `code`, **bold**, *italic*, links (written, <auto> and
 * bare), hard line breaks, backslash escapes and character references. Everything else
 * stays text. The result is data, not markup: the renderer creates every element itself.
 */
import { safeHref } from '../../../src/markdown/safe-url.ts';

export type Inline =
  | string
  | { t: 'strong' | 'em'; c: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'link'; href: string; c: Inline[] }
  | { t: 'br' };

/** Emphasis nested deeper than this stays text: bounded recursion whatever a message holds. */
export const MAX_INLINE_DEPTH = 8;
/** A link label or target longer than this is not a link: bounds the search for its end. */
const MAX_LABEL_CHARS = 1_000;
const MAX_URL_CHARS = 2_048;

const BR: Inline = { t: 'br' };
const PUNCTUATION = /[!-/:-@[-`{-~]/;
const SPACE = /\s/;
const WORD = /[\p{L}\p{N}]/u;
const AUTOLINK = /<([a-z][a-z0-9+.-]{1,31}:[^\s<>]*)>/iy;
const BARE_URL = /https?:\/\/[^\s<>]+/iy;
/** Punctuation that ends a sentence rather than a bare URL ("see https://x.example."). */
const URL_TRAILER = /[.,;:!?'")\]*_]+$/;
const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,6}));/y;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

function codePointText(code: number): string {
  const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
  return String.fromCodePoint(valid ? code : 0xfffd);
}

/** The character reference at `index` (`&lt;`, `&#60;`, `&#x3c;`) and its length, or null. */
function referenceAt(src: string, index: number): [string, number] | null {
  REFERENCE.lastIndex = index;
  const match = REFERENCE.exec(src);
  if (!match) return null;
  if (match[1]) return [codePointText(Number(match[1])), match[0].length];
  if (match[2]) return [codePointText(parseInt(match[2], 16)), match[0].length];
  const named = Object.hasOwn(NAMED, match[3]!) ? NAMED[match[3]!] : undefined;
  return named === undefined ? null : [named, match[0].length];
}

/** Decodes character references, so a link target is judged as the browser would read it. */
function decodeReferences(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const reference = text[i] === '&' ? referenceAt(text, i) : null;
    if (reference) {
      out += reference[0];
      i += reference[1];
    } else out += text[i++];
  }
  return out;
}

/** Where the backtick run of length `run` that closes a code span starts, or -1. */
function codeSpanEnd(src: string, from: number, run: number): number {
  for (let i = src.indexOf('`', from); i !== -1; i = src.indexOf('`', i)) {
    let length = 0;
    while (src[i + length] === '`') length++;
    if (length === run) return i;
    i += length;
  }
  return -1;
}

/**
 * Where the delimiter opened at `start` closes, or -1. `noCloserFrom` remembers, per
 * delimiter, a position after which no closer exists, so a message full of `*` is read in
 * linear time rather than searched again from every star.
 */
function closerOf(src: string, start: number, delim: string, noCloserFrom: Map<string, number>): number {
  const char = delim[0]!;
  const contentStart = start + delim.length;
  const next = src[contentStart];
  if (next === undefined || SPACE.test(next)) return -1;
  // snake_case_words are not emphasis.
  if (char === '_' && start > 0 && WORD.test(src[start - 1]!)) return -1;
  if ((noCloserFrom.get(delim) ?? Infinity) <= contentStart) return -1;
  for (let i = src.indexOf(delim, contentStart + 1); i !== -1; i = src.indexOf(delim, i + 1)) {
    if (SPACE.test(src[i - 1]!)) continue;
    // A single delimiter does not close inside a double one ("*a **b** c*").
    if (delim.length === 1 && (src[i + 1] === char || src[i - 1] === char)) continue;
    if (char === '_' && i + delim.length < src.length && WORD.test(src[i + delim.length]!)) continue;
    // In "***x***" the strong closes at the last two stars, leaving "*x*" inside.
    if (delim.length === 2) while (src[i + 2] === char) i++;
    return i;
  }
  noCloserFrom.set(delim, Math.min(noCloserFrom.get(delim) ?? Infinity, contentStart));
  return -1;
}

interface LinkMatch {
  label: string;
  target: string;
  end: number;
}

/** `[label](target "title")` starting at `start`, or null. The title is accepted and dropped. */
function linkAt(src: string, start: number): LinkMatch | null {
  let depth = 0;
  let close = -1;
  const labelLimit = Math.min(src.length, start + MAX_LABEL_CHARS);
  for (let i = start; i < labelLimit; i++) {
    const char = src[i];
    if (char === '\\') i++;
    else if (char === '[') depth++;
    else if (char === ']' && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close === -1 || src[close + 1] !== '(') return null;
  let i = close + 2;
  while (src[i] === ' ') i++;
  let target: string;
  if (src[i] === '<') {
    const end = src.indexOf('>', i);
    if (end === -1 || end - i > MAX_URL_CHARS) return null;
    target = src.slice(i + 1, end);
    i = end + 1;
  } else {
    let parens = 0;
    const begin = i;
    for (; i < src.length && i - begin <= MAX_URL_CHARS; i++) {
      const char = src[i]!;
      if (SPACE.test(char)) break;
      if (char === '(') parens++;
      else if (char === ')' && parens-- === 0) break;
    }
    target = src.slice(begin, i);
  }
  while (src[i] === ' ') i++;
  const quote = src[i];
  if (quote === '"' || quote === "'") {
    const end = src.indexOf(quote, i + 1);
    if (end === -1) return null;
    i = end + 1;
    while (src[i] === ' ') i++;
  }
  if (src[i] !== ')') return null;
  return { label: src.slice(start + 1, close), target, end: i + 1 };
}

/** Parses one paragraph's text (lines joined with `\n`). */
export function parseInline(src: string, depth = 0, inLink = false): Inline[] {
  const out: Inline[] = [];
  const noCloserFrom = new Map<string, number>();
  let text = '';
  const flush = () => {
    if (text) out.push(text);
    text = '';
  };
  const push = (node: Inline) => {
    flush();
    out.push(node);
  };

  let i = 0;
  while (i < src.length) {
    const char = src[i]!;

    if (char === '\\' && i + 1 < src.length && PUNCTUATION.test(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
      continue;
    }

    if (char === '\n') {
      text = text.trimEnd();
      push(BR);
      i++;
      continue;
    }

    if (char === '`') {
      let run = 0;
      while (src[i + run] === '`') run++;
      const end = codeSpanEnd(src, i + run, run);
      if (end === -1) text += src.slice(i, i + run);
      else push({ t: 'code', text: src.slice(i + run, end).replace(/\n/g, ' ') });
      i = end === -1 ? i + run : end + run;
      continue;
    }

    if ((char === '*' || char === '_') && depth < MAX_INLINE_DEPTH) {
      const delim = src[i + 1] === char ? char + char : char;
      const end = closerOf(src, i, delim, noCloserFrom);
      if (end !== -1) {
        push({ t: delim.length === 2 ? 'strong' : 'em', c: parseInline(src.slice(i + delim.length, end), depth + 1, inLink) });
        i = end + delim.length;
      } else {
        text += delim;
        i += delim.length;
      }
      continue;
    }

    if (char === '[' && !inLink && depth < MAX_INLINE_DEPTH) {
      const link = linkAt(src, i);
      if (link) {
        const href = safeHref(decodeReferences(link.target).trim());
        // A target that may not be a link stays exactly as written: visible, and inert.
        if (href) push({ t: 'link', href, c: parseInline(link.label, depth + 1, true) });
        else text += src.slice(i, link.end);
        i = link.end;
        continue;
      }
    }

    if (char === '<' && !inLink) {
      AUTOLINK.lastIndex = i;
      const match = AUTOLINK.exec(src);
      const href = match ? safeHref(match[1]) : null;
      if (match && href) {
        push({ t: 'link', href, c: [match[1]!] });
        i += match[0].length;
        continue;
      }
    }

    if ((char === 'h' || char === 'H') && !inLink && (i === 0 || !WORD.test(src[i - 1]!))) {
      BARE_URL.lastIndex = i;
      const match = BARE_URL.exec(src);
      const url = match ? match[0].slice(0, MAX_URL_CHARS).replace(URL_TRAILER, '') : '';
      const href = url ? safeHref(url) : null;
      if (href) {
        push({ t: 'link', href, c: [url] });
        i += url.length;
        continue;
      }
    }

    if (char === '&') {
      const reference = referenceAt(src, i);
      if (reference) {
        text += reference[0];
        i += reference[1];
        continue;
      }
    }

    text += char;
    i++;
  }
  flush();
  return out;
}
