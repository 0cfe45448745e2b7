import { describe, expect, it } from 'vitest';
import { findMalformedText } from './validator-compiler.ts';

describe('findMalformedText', () => {
  it('finds the first lone surrogate anywhere in a body, by JSON path', () => {
    expect(findMalformedText({ content: 'ok 😀', mentions: ['a'] })).toBeNull();
    expect(findMalformedText({ content: 'bad \ud800' })).toBe('/content');
    expect(findMalformedText({ visitor: { name: '\udfffx' } })).toBe('/visitor/name');
    expect(findMalformedText({ mentions: ['ok', 'x\ud83d'] })).toBe('/mentions/1');
    expect(findMalformedText({ ['k\ud800']: 1 })).toBe('/k\ud800');
    expect(findMalformedText('\ud800')).toBe('');
    expect(findMalformedText(5)).toBeNull();
  });
});
