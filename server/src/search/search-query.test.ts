import { describe, expect, it } from 'vitest';
import { foldWord, fts5Expression, parseSearchQuery } from './search-query.ts';

describe('parseSearchQuery', () => {
  it('folds case and accents, makes the last word a prefix and keeps quoted phrases whole', () => {
    expect(parseSearchQuery('Crème "Brûlée au café" CAFÉ')).toEqual([
      { words: ['creme'], prefix: false },
      { words: ['brulee', 'au', 'cafe'], prefix: false },
      { words: ['cafe'], prefix: true },
    ]);
  });

  it('makes no prefix of a query that ends with a phrase, and runs an unclosed quote to the end', () => {
    expect(parseSearchQuery('red "apple pie"')).toEqual([
      { words: ['red'], prefix: false },
      { words: ['apple', 'pie'], prefix: false },
    ]);
    expect(parseSearchQuery('"apple pie')).toEqual([{ words: ['apple', 'pie'], prefix: false }]);
  });

  it('splits at punctuation, and finds no term in a query without letters or digits', () => {
    expect(parseSearchQuery('bob@example.com').map((term) => term.words)).toEqual([['bob'], ['example'], ['com']]);
    expect(parseSearchQuery(' ?! ... "" ')).toEqual([]);
  });

  it('writes an FTS5 expression with every term required', () => {
    const terms = parseSearchQuery('"red apple" fel');
    expect(fts5Expression(terms, 'body')).toBe('{body} : ("red apple" AND "fel"*)');
  });

  it('folds as SQLite and the PostgreSQL fold do', () => {
    expect(foldWord('ÉCOLE')).toBe('ecole');
    expect(foldWord('Łódź')).toBe('łodz');
  });
});
