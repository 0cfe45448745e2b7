import { describe, expect, it } from 'vitest';
import { literalAt, matchesTopic, parseTopic, type TopicPattern } from './topic-pattern.ts';

const pattern = (topic: string): TopicPattern => {
  const parsed = parseTopic(topic);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.pattern;
};
const subject = (value: string) => value.split('.');

describe('parseTopic', () => {
  it('takes six tokens, with "*" for any one', () => {
    for (const topic of [
      'events.local.chat.thread.message_committed.th_1',
      'events.local.chat.thread.*.*',
      '*.*.*.*.*.*',
      'events.org-2.notifications.user.mention.u_9',
    ]) {
      expect(parseTopic(topic)).toEqual({ ok: true, pattern: { topic, tokens: topic.split('.'), rest: false } });
    }
  });

  it('takes fewer than six ending in ">"', () => {
    expect(parseTopic('events.local.chat.>')).toMatchObject({ ok: true, pattern: { rest: true } });
    expect(parseTopic('>')).toMatchObject({ ok: true, pattern: { rest: true, tokens: ['>'] } });
    expect(parseTopic('events.*.chat.thread.>')).toMatchObject({ ok: true });
  });

  it('refuses any other shape, saying where in words', () => {
    const reason = (topic: unknown) => {
      const parsed = parseTopic(topic);
      return parsed.ok ? null : parsed.reason;
    };
    expect(reason('events.local.chat.thread.message_committed')).toMatch(
      /^"events\.local\.chat\.thread\.message_committed" has 5 tokens: a topic is six/,
    );
    expect(reason('events.local.chat.thread.message_committed.th_1.x')).toMatch(/has 7 tokens/);
    expect(reason('events.local.chat.thread.message_committed.>')).toMatch(/has 6 tokens/);
    expect(reason('events.local.>.thread.x.y')).toMatch(/has ">" before the end at position 3/);
    expect(reason('events..chat.thread.x.y')).toMatch(/has an empty token at position 2/);
    expect(reason('events.lo*.chat.thread.x.y')).toMatch(/has "lo\*" at position 2/);
    expect(reason('events.local.chat.thread.x.a b')).toMatch(/has "a b" at position 6/);
    expect(reason('')).toMatch(/^The topic is missing/);
    expect(reason(42)).toMatch(/^The topic is missing/);
    expect(reason(`events.local.chat.thread.x.${'a'.repeat(129)}`)).toMatch(/has "a{129}" at position 6/);
    expect(reason('a.'.repeat(400) + 'b')).toMatch(/longer than 773 characters/);
  });
});

describe('matchesTopic', () => {
  const committed = subject('events.local.chat.thread.message_committed.th_1');

  it('matches literals exactly and "*" any one token', () => {
    expect(matchesTopic(pattern('events.local.chat.thread.message_committed.th_1'), committed)).toBe(true);
    expect(matchesTopic(pattern('events.local.chat.thread.message_committed.th_2'), committed)).toBe(false);
    expect(matchesTopic(pattern('events.local.chat.thread.*.th_1'), committed)).toBe(true);
    expect(matchesTopic(pattern('events.other.chat.thread.*.*'), committed)).toBe(false);
  });

  it('matches ">" to one or more remaining tokens, never none', () => {
    expect(matchesTopic(pattern('events.local.chat.>'), committed)).toBe(true);
    expect(matchesTopic(pattern('>'), committed)).toBe(true);
    expect(matchesTopic(pattern('events.local.notifications.>'), committed)).toBe(false);
    expect(matchesTopic(pattern('a.b.>'), ['a', 'b'])).toBe(false);
  });

  it('names the literal tokens a pattern fixes', () => {
    const thread = pattern('events.local.chat.thread.*.th_1');
    expect([0, 1, 2, 3, 4, 5].map((index) => literalAt(thread, index))).toEqual(['events', 'local', 'chat', 'thread', null, 'th_1']);
    expect(literalAt(pattern('events.local.>'), 2)).toBeNull();
  });
});
