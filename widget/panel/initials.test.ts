import { describe, expect, it } from 'vitest';
import { initialsOf } from './initials.ts';

describe('initialsOf', () => {
  it('takes the first letters of the first and last word', () => {
    expect(initialsOf('Demo Agent')).toBe('DA');
    expect(initialsOf('ada lovelace byron')).toBe('AB');
    expect(initialsOf('ada')).toBe('A');
    expect(initialsOf('😀 bot')).toBe('😀B');
    expect(initialsOf('  ')).toBe('?');
  });
});
