import { describe, expect, it } from 'vitest';
import { emailProblem } from './email.ts';

describe('emailProblem', () => {
  it('accepts ordinary addresses and says what is wrong with others', () => {
    expect(emailProblem(' ada@example.com ')).toBeNull();
    expect(emailProblem('a.b+tag@sub.example.co.uk')).toBeNull();
    expect(emailProblem('   ')).toBe('required');
    for (const bad of ['ada', 'ada@', '@example.com', 'ada@example', 'ada @example.com', 'a@b@c.com', `${'a'.repeat(250)}@example.com`]) {
      expect(emailProblem(bad), bad).toBe('invalid');
    }
  });
});
