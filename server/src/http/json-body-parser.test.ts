import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './json-body-parser.ts';

describe('nestsDeeperThan', () => {
  it('counts objects and arrays alike, and only open ones', () => {
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[[]]}]}', 4)).toBe(true);
    expect(nestsDeeperThan('[][][][][][]', 1)).toBe(false);
    expect(nestsDeeperThan('1', 0)).toBe(false);
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ a: '\\"[[[[', b: '"{{{' }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ a: '\\', b: [[]] }), 2)).toBe(true);
    expect(nestsDeeperThan(JSON.stringify({ a: '\\\\"[[[', b: [[]] }), 2)).toBe(true);
    // An unterminated string is the parser's to refuse.
    expect(nestsDeeperThan('{"a": "[[[[', 1)).toBe(false);
  });
});
