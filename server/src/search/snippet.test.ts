import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from './search-query.ts';
import { buildSnippet, matchRanges, SNIPPET_CONTEXT_BEFORE, SNIPPET_MAX_LENGTH } from './snippet.ts';

const parts = (snippet: { text: string; highlights: [number, number][] }) =>
  snippet.highlights.map(([start, end]) => snippet.text.slice(start, end));

describe('buildSnippet', () => {
  it('gives the offsets of every matched word, whole words for a prefix, a phrase as one range', () => {
    const snippet = buildSnippet('The Crème brûlée and the crème anglaise', parseSearchQuery('"creme brulee" angl'));
    expect(snippet.text).toBe('The Crème brûlée and the crème anglaise');
    expect(parts(snippet)).toEqual(['Crème brûlée', 'anglaise']);
  });

  it('cuts a long text around the first match, marks the cuts, and keeps offsets right', () => {
    const text = `${'lorem '.repeat(40)}needle ${'ipsum '.repeat(60)}`;
    const snippet = buildSnippet(text, parseSearchQuery('needle'));
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.text.length).toBeLessThanOrEqual(SNIPPET_MAX_LENGTH + 2);
    expect(parts(snippet)).toEqual(['needle']);
    expect(snippet.highlights[0]![0]).toBeLessThanOrEqual(SNIPPET_CONTEXT_BEFORE + 1);
  });

  it('counts offsets in UTF-16 code units, as JavaScript strings do', () => {
    const snippet = buildSnippet('😀 café', parseSearchQuery('cafe'));
    expect(snippet.highlights).toEqual([[3, 7]]);
  });

  it('finds nothing to highlight where no word matches', () => {
    expect(matchRanges('nothing here', parseSearchQuery('absent'))).toEqual([]);
  });
});
