import { describe, expect, it } from 'vitest';
import { findMalformedText, findNulText } from './validation.ts';

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

describe('findNulText', () => {
  it('finds the first U+0000 anywhere in a body, keys included, by JSON path', () => {
    expect(findNulText({ content: 'ok', title: null, mentions: ['a'] })).toBeNull();
    expect(findNulText({ content: 'a\u0000b' })).toBe('/content');
    expect(findNulText({ note: { client_message_id: 'x\u0000' } })).toBe('/note/client_message_id');
    expect(findNulText({ ['k\u0000']: 1 })).toBe('/k\u0000');
  });
});
