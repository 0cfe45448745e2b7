import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText } from './run.ts';

describe('chunkText', () => {
  it('keeps every character: the chunks concatenate to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        expect(chunkText(text).join('')).toBe(text);
      }),
    );
  });

  it('streams a few words per chunk', () => {
    expect(chunkText('one two three four five')).toEqual(['one two three ', 'four five']);
  });
});
