/**
 * Where a link's `]` points: an inline `(destination "title")` or a reference to a
 * definition. Destinations nest parentheses at most 32 deep (cmark's bound), so a failed
 * `](` reads a bounded stretch, and a shortcut label is never read past 999 characters.
 */
import type { LinkDefinitions } from './link-definitions.ts';
import {
  ESCAPABLE,
  labelKey,
  LINK_LABEL,
  LINK_TITLE,
  matchAt,
  MAX_DESTINATION_PARENS,
  MAX_LABEL_CHARS,
  POINTY_DESTINATION,
  SPACE_AND_LINE,
  unescape,
} from './inline-syntax.ts';

/** A link's target, and where its source ends. */
export interface LinkTarget {
  href: string;
  title: string | null;
  end: number;
}

/** The `[` a reference's label may be read from. */
export interface LabelOpener {
  /** Where the label starts (after `[`). */
  index: number;
  /** Another `[` came after this one, so its shortcut label would hold a bracket. */
  bracketAfter: boolean;
}

/** Past spaces and at most one line ending. */
const spaceAndLine = (source: string, pos: number): number => pos + matchAt(SPACE_AND_LINE, source, pos)![0].length;

/** A destination (`<…>` or balanced words without spaces) at `pos`, unescaped; null if there is none here. */
function linkDestination(source: string, pos: number): { href: string; end: number } | null {
  const pointy = matchAt(POINTY_DESTINATION, source, pos);
  if (pointy) return { href: unescape(pointy[1]!), end: pos + pointy[0].length };
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
  return { href: unescape(source.slice(start, pos)), end: pos };
}

/** `(destination "title")` at `pos`, just after `]`; null if there is none. */
export function inlineLink(source: string, pos: number): LinkTarget | null {
  if (source[pos] !== '(') return null;
  const destination = linkDestination(source, spaceAndLine(source, pos + 1));
  if (!destination) return null;
  let at = spaceAndLine(source, destination.end);
  const quoted = at > destination.end ? matchAt(LINK_TITLE, source, at) : null;
  if (quoted) at += quoted[0].length;
  at = spaceAndLine(source, at);
  if (source[at] !== ')') return null;
  const title = quoted ? (quoted[1] ?? quoted[2] ?? quoted[3]!) : null;
  return { href: destination.href, title: title === null ? null : unescape(title), end: at + 1 };
}

/** A reference at `pos`, just after the `]` at `closeAt`: `[text][label]`, `[label][]` or `[label]`; null if none is defined. */
export function referenceLink(
  source: string,
  pos: number,
  closeAt: number,
  opener: LabelOpener,
  definitions: LinkDefinitions,
): LinkTarget | null {
  const label = matchAt(LINK_LABEL, source, pos);
  let name: string | null = null;
  if (label && label[0].length > 2) name = label[1]!;
  else if (!opener.bracketAfter && closeAt - opener.index <= MAX_LABEL_CHARS) name = source.slice(opener.index, closeAt);
  const definition = name?.trim() ? definitions[labelKey(name)] : undefined;
  if (!definition) return null;
  return { href: definition.href, title: definition.title || null, end: label ? pos + label[0].length : pos };
}
