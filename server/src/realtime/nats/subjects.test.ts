import { describe, expect, it } from 'vitest';
import { Subjects } from './subjects.ts';

describe('Subjects', () => {
  const subjects = new Subjects('local');

  it('follows the seed: events.<org>.chat.<resource>.<event>.<id>', () => {
    expect(subjects.of('thread', 'message_committed', 't-1')).toBe('events.local.chat.thread.message_committed.t-1');
    expect(subjects.prefix).toBe('events.local.chat.');
    expect(subjects.parse('events.local.chat.user.thread_read.u1')).toEqual({ resource: 'user', event: 'thread_read', id: 'u1' });
  });

  it('refuses a token that would widen or split a subject', () => {
    for (const bad of ['a.b', '*', '>', 'a b', '']) {
      expect(() => subjects.of('thread', 'x', bad)).toThrow(/subject token/);
    }
    expect(() => new Subjects('org.x')).toThrow(/subject token/);
  });

  it('ignores subjects of another org or shape', () => {
    expect(subjects.parse('events.other.chat.thread.x.t')).toBeNull();
    expect(subjects.parse('events.local.chat.thread.x')).toBeNull();
    expect(subjects.parse('events.local.chat.thread.x.t.extra')).toBeNull();
    expect(subjects.parse('events.local.chat.thread')).toBeNull();
    expect(subjects.parse('events.local.chat.thread.x')).toBeNull();
    expect(subjects.parse('events.local.chat.')).toBeNull();
    expect(subjects.parse('events.local.chat.thread.message_committed.')).toEqual({
      resource: 'thread',
      event: 'message_committed',
      id: '',
    });
  });
});
