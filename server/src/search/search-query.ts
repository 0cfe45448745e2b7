/**
 * The words of a search (CONTRACT §11 "Search"): `q` split into terms that every match must
 * contain. Words match case- and accent-insensitively; `"quoted phrases"` match as written,
 * word after word; the last word of `q` (when it is not in quotes) matches as a prefix, so
 * results come as the user types. Both databases are given the same terms, and split their
 * words as their indexes split the text (FTS5 tokenizes each quoted term; PostgreSQL parses
 * each term: storage/postgres/search.ts, TSQUERY_SQL).
 */
export interface SearchTerm {
  /** Folded words (see {@link foldWord}); more than one for a phrase. */
  words: string[];
  /** The last word of a query matches every word that starts with it. */
  prefix: boolean;
}

/** The longest `q` accepted, in UTF-16 code units (a search is a few words, not a document). */
export const MAX_QUERY_LENGTH = 200;

/** At most this many terms count; the others are dropped (each one is another index lookup). */
export const MAX_QUERY_TERMS = 8;

/** A word as the query parser and the highlighter see it: letters, digits and their combining marks. */
export const WORD_PATTERN = /[\p{L}\p{N}\p{M}]+/gu;

/** Lower case without diacritics ("Crème" → "creme"), as SQLite's `remove_diacritics 2` and the PostgreSQL fold do. */
export function foldWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

function wordsOf(text: string): string[] {
  return [...text.matchAll(WORD_PATTERN)].map((match) => foldWord(match[0])).filter((word) => word.length > 0);
}

/** The terms of `q`; empty when it has no word (only spaces or punctuation). */
export function parseSearchQuery(q: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  // Quoted parts are phrases; an unclosed quote runs to the end.
  const parts = q.split('"');
  parts.forEach((part, index) => {
    const quoted = index % 2 === 1;
    const words = wordsOf(part);
    if (quoted) {
      if (words.length > 0) terms.push({ words, prefix: false });
    } else {
      for (const word of words) terms.push({ words: [word], prefix: false });
    }
  });
  const last = terms.at(-1);
  const endsQuoted = parts.length % 2 === 0 || /"\s*$/u.test(q);
  if (last && last.words.length === 1 && !endsQuoted) last.prefix = true;
  return terms.slice(0, MAX_QUERY_TERMS);
}

/** The FTS5 expression for `terms` over the column `column` (words are letters and digits only, so quoting is safe). */
export function fts5Expression(terms: readonly SearchTerm[], column: string): string {
  const parts = terms.map((term) => `"${term.words.join(' ')}"${term.prefix ? '*' : ''}`);
  return `{${column}} : (${parts.join(' AND ')})`;
}
