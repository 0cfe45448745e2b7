/**
 * The patterns of inline markdown (CommonMark 0.31 + GFM) and the small pure helpers the
 * inline parser (`parse-inline.ts`) reads them with. Every pattern is sticky (`y`) or
 * bounded, so a failed match reads a bounded stretch or stops at the next character that
 * could end it: none scans to the end of the text from each of many starts.
 */
import { decodeEntities } from './decode-entities.ts';

/** CommonMark's limits: link labels hold at most 999 characters, destinations nest `(` at most 32 deep (cmark). */
export const MAX_LABEL_CHARS = 999;
export const MAX_DESTINATION_PARENS = 32;

export const ESCAPABLE = /[!-/:-@[-`{-~]/;
export const PUNCTUATION = /[\p{P}\p{S}]/u;
export const WHITESPACE = /\s/;
/** Words up to the next character that may start markup (`h`/`w`: a bare URL, `@`: an e-mail address). */
export const TEXT_RUN = /[^\n\\`*_~[\]!<&@hw]+/y;
export const ENTITY = /&(?:#[xX][\da-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z\d]{1,31});/y;
export const URI_AUTOLINK = /<([A-Za-z][A-Za-z\d+.-]{1,31}:[^<>\0- ]*)>/y;
export const EMAIL_AUTOLINK =
  /<([\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z\d](?:[A-Za-z\d-]{0,61}[A-Za-z\d])?(?:\.[A-Za-z\d](?:[A-Za-z\d-]{0,61}[A-Za-z\d])?)*)>/y;
const ATTRIBUTE = `\\s+[A-Za-z_:][\\w.:-]*(?:\\s*=\\s*(?:[^\\s"'=<>\`]+|'[^']*'|"[^"]*"))?`;
export const HTML_TAG = new RegExp(`<(?:[A-Za-z][A-Za-z\\d-]*(?:${ATTRIBUTE})*\\s*/?>|/[A-Za-z][A-Za-z\\d-]*\\s*>)`, 'y');
/** Raw HTML that is not a tag ends at a fixed string: comment, processing instruction, CDATA, declaration. */
export const HTML_OTHER: readonly (readonly [RegExp, string])[] = [
  [/<!---?>/y, ''],
  [/<!--/y, '-->'],
  [/<\?/y, '?>'],
  [/<!\[CDATA\[/y, ']]>'],
  [/<![A-Za-z]/y, '>'],
];
export const BARE_URL = /(?:https?:\/\/|www\.)[\w-]+(?:\.[\w-]+)*[^\s<]*/y;
export const BARE_URL_IN_BRACKETS = /(?:https?:\/\/|www\.)[\w-]+(?:\.[\w-]+)*[^\s<\]]*/y;
/** What may come just before a bare URL (GFM): the start, whitespace, `*`, `_`, `~` or `(`. */
export const BEFORE_BARE_URL = /[\s*_~(]/;
export const EMAIL_DOMAIN = /[\w-]+(?:\.[\w-]+)+/y;
export const EMAIL_LOCAL = /[\w.+-]/;
export const SPACE_AND_LINE = /[ \t]*(?:\n[ \t]*)?/y;
export const LINK_LABEL = /\[((?:[^\\[\]]|\\[^]){0,999})\]/y;
export const POINTY_DESTINATION = /<((?:[^<>\n\\]|\\[^])*)>/y;
export const LINK_TITLE = /"((?:\\[^]|[^"\\])*)"|'((?:\\[^]|[^'\\])*)'|\(((?:\\[^]|[^()\\])*)\)/y;
const ESCAPE_OR_ENTITY = /\\([!-/:-@[-`{-~])|&(?:#[xX][\da-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z\d]{1,31});/g;
/** Characters a bare URL does not end with (GFM). */
const URL_TRAILING = '?!.,:*_~\'"';

/** `pattern` (sticky) matched at `at`. */
export function matchAt(pattern: RegExp, source: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(source);
}

/** Backslash escapes and character references resolved, as in link destinations and titles. */
export function unescape(text: string): string {
  return text.replace(ESCAPE_OR_ENTITY, (whole, escaped: string | undefined) => escaped ?? decodeEntities(whole));
}

/** A link label as definitions are keyed by it: trimmed, whitespace collapsed, case folded. */
export function labelKey(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase().toUpperCase().toLowerCase();
}

/** The character (code point) ending just before `at`; a newline at the start. */
export function charBefore(source: string, at: number): string {
  if (at === 0) return '\n';
  const low = source.charCodeAt(at - 1);
  return low >= 0xdc00 && low <= 0xdfff && at > 1 ? source.slice(at - 2, at) : source[at - 1]!;
}

/** The character (code point) at `at`; a newline past the end. */
export function charAt(source: string, at: number): string {
  return at < source.length ? String.fromCodePoint(source.codePointAt(at)!) : '\n';
}

/**
 * A bare URL without what GFM leaves out of it: trailing punctuation, an unbalanced `)`, a
 * trailing character reference. Each step looks only at the end, so this is linear.
 */
export function trimBareUrl(url: string): string {
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
    else return url;
  }
}
