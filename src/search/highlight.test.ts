import { describe, expect, it } from 'vitest';
import { highlightSegments } from './highlight.ts';

describe('highlightSegments', () => {
  it('cuts the text at the offsets, and markup in the text stays text', () => {
    expect(highlightSegments('…can you <b>refund</b> order 42?', [[12, 18]])).toEqual([
      { text: '…can you <b>', hit: false },
      { text: 'refund', hit: true },
      { text: '</b> order 42?', hit: false },
    ]);
  });

  it('merges overlapping ranges, clips ranges past the text and drops empty ones', () => {
    const segments = highlightSegments('refund order', [
      [7, 12],
      [0, 3],
      [2, 6],
      [9, 40],
      [5, 5],
    ]);
    expect(segments).toEqual([
      { text: 'refund', hit: true },
      { text: ' ', hit: false },
      { text: 'order', hit: true },
    ]);
    expect(segments.map((segment) => segment.text).join('')).toBe('refund order');
  });

  it('gives the whole text when nothing matched', () => {
    expect(highlightSegments('plain', [])).toEqual([{ text: 'plain', hit: false }]);
  });
});
