import { foldWord, WORD_PATTERN, type SearchTerm } from './search-query.ts';

/** A part of a matched text and where the matched words are in it (CONTRACT §11 "Search"). */
export interface Snippet {
  text: string;
  /** `[start, end)` offsets into `text` in UTF-16 code units (JavaScript string indices), ascending. */
  highlights: [number, number][];
}

/** Characters of context kept before the first match (the snippet is cut around it). */
export const SNIPPET_CONTEXT_BEFORE = 60;

/** The longest snippet, in UTF-16 code units, before the ellipses. */
export const SNIPPET_MAX_LENGTH = 200;

const ELLIPSIS = '…';

interface Word {
  start: number;
  end: number;
  folded: string;
}

function wordsOf(text: string): Word[] {
  return [...text.matchAll(WORD_PATTERN)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    folded: foldWord(match[0]),
  }));
}

function termMatchesAt(words: readonly Word[], at: number, term: SearchTerm): boolean {
  return term.words.every((wanted, offset) => {
    const word = words[at + offset];
    if (!word) return false;
    const last = offset === term.words.length - 1;
    return last && term.prefix ? word.folded.startsWith(wanted) : word.folded === wanted;
  });
}

/** Every place in `text` where one of `terms` matches, as `[start, end)` ranges in text order. */
export function matchRanges(text: string, terms: readonly SearchTerm[]): [number, number][] {
  const words = wordsOf(text);
  const ranges: [number, number][] = [];
  for (let at = 0; at < words.length; at++) {
    const term = terms.find((candidate) => termMatchesAt(words, at, candidate));
    if (!term) continue;
    const end = words[at + term.words.length - 1]!.end;
    const previous = ranges.at(-1);
    // Overlapping matches (a phrase and one of its words) become one range.
    if (previous && words[at]!.start <= previous[1]) previous[1] = Math.max(previous[1], end);
    else ranges.push([words[at]!.start, end]);
  }
  return ranges;
}

/**
 * The part of `text` around its first match, with the matched words' offsets. The text is
 * cut at spaces where it can be, and an ellipsis marks each cut.
 */
export function buildSnippet(text: string, terms: readonly SearchTerm[]): Snippet {
  const ranges = matchRanges(text, terms);
  const first = ranges[0]?.[0] ?? 0;
  let start = Math.max(0, first - SNIPPET_CONTEXT_BEFORE);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < first) start = space + 1;
  }
  let end = Math.min(text.length, start + SNIPPET_MAX_LENGTH);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > first) end = space;
  }
  // Never cut a surrogate pair in two.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
  const lead = start > 0 ? ELLIPSIS : '';
  const shift = lead.length - start;
  const highlights = ranges
    .filter(([from, to]) => from >= start && to <= end)
    .map(([from, to]): [number, number] => [from + shift, to + shift]);
  return { text: lead + text.slice(start, end) + (end < text.length ? ELLIPSIS : ''), highlights };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
