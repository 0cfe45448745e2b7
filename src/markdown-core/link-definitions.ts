/**
 * Link reference definitions (`[label]: destination "title"`) at the start of a paragraph,
 * read when the paragraph closes (CommonMark 0.31). Each attempt reads forward from where
 * the last one ended and the first failure stops them, so the whole is linear.
 */
import {
  ESCAPABLE,
  labelKey,
  LINK_TITLE,
  matchAt,
  MAX_DESTINATION_PARENS,
  POINTY_DESTINATION,
  SPACE_AND_LINE,
  unescape,
} from './inline-syntax.ts';

/** A definition's target and title, escapes and character references resolved. */
export interface LinkDefinition {
  href: string;
  title: string | null;
}

/** Definitions by normalized label (`labelKey`); a prototype-free record, so no label names a built-in. */
export type LinkDefinitionMap = Record<string, LinkDefinition>;

/** Link reference definitions by normalized label (`labelKey`), as the inline parser reads them. */
export type LinkDefinitions = Readonly<LinkDefinitionMap>;

export function newDefinitionMap(): LinkDefinitionMap {
  return Object.create(null) as LinkDefinitionMap;
}

const LABEL_AND_COLON = /\[((?:[^\\[\]]|\\[^]){0,999})\]:/y;
const LINE_END = /[ \t]*(?:\n|$)/y;

/**
 * Reads the definitions `text` starts with into `into` (the first of a label wins) and
 * returns where the rest of the paragraph starts.
 */
export function takeDefinitions(text: string, into: LinkDefinitionMap): number {
  let pos = 0;
  while (text[pos] === '[') {
    const end = definitionAt(text, pos, into);
    if (end < 0) break;
    pos = end;
  }
  return pos;
}

/** One definition at `pos`: where it ends, or -1. */
function definitionAt(text: string, pos: number, into: LinkDefinitionMap): number {
  const label = matchAt(LABEL_AND_COLON, text, pos);
  // `[^note]: …` is a GFM footnote, which messages show as written.
  if (!label || label[1]!.startsWith('^')) return -1;
  const key = labelKey(label[1]!);
  if (!key) return -1;
  const destinationAt = skipSpaceAndLine(text, pos + label[0].length);
  const destination = destinationEnd(text, destinationAt);
  if (destination < 0) return -1;
  const raw = text.slice(destinationAt, destination);
  const href = unescape(raw.startsWith('<') ? raw.slice(1, -1) : raw);
  let end: number;
  let title: string | null = null;
  const titleAt = skipSpaceAndLine(text, destination);
  const quoted = titleAt > destination ? matchAt(LINK_TITLE, text, titleAt) : null;
  const afterTitle = quoted ? matchAt(LINE_END, text, titleAt + quoted[0].length) : null;
  if (quoted && afterTitle) {
    title = unescape(quoted[1] ?? quoted[2] ?? quoted[3]!);
    end = titleAt + quoted[0].length + afterTitle[0].length;
  } else {
    // No title, or words after it: the definition ends with its destination, or is none.
    const afterDestination = matchAt(LINE_END, text, destination);
    if (!afterDestination) return -1;
    end = destination + afterDestination[0].length;
  }
  if (!(key in into)) into[key] = { href, title };
  return end;
}

function skipSpaceAndLine(text: string, pos: number): number {
  return pos + matchAt(SPACE_AND_LINE, text, pos)![0].length;
}

/** The end of a destination at `pos` (`<…>`, or words with balanced parentheses), or -1. */
function destinationEnd(text: string, pos: number): number {
  const pointy = matchAt(POINTY_DESTINATION, text, pos);
  if (pointy) return pos + pointy[0].length;
  if (text[pos] === '<') return -1;
  let parens = 0;
  let at = pos;
  for (; at < text.length; at++) {
    const char = text[at]!;
    if (char === '\\' && ESCAPABLE.test(text[at + 1] ?? '')) at++;
    else if (char === '(' && ++parens > MAX_DESTINATION_PARENS) return -1;
    else if (char === ')') {
      if (parens === 0) break;
      parens--;
    } else if (char <= ' ') break;
  }
  return at === pos || parens !== 0 ? -1 : at;
}
