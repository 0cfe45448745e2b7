import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopicIndex } from './topic-index.ts';
import { matchesTopic, parseTopic, type TopicPattern } from './topic-pattern.ts';

/** Few token values, so that patterns and subjects often meet. */
const literal = fc.constantFrom('events', 'local', 'chat', 'thread', 'a', 'b');
const subject = fc.array(literal, { minLength: 6, maxLength: 6 });
const topic = fc.oneof(
  fc.array(fc.oneof(literal, fc.constant('*')), { minLength: 6, maxLength: 6 }).map((tokens) => tokens.join('.')),
  fc.array(fc.oneof(literal, fc.constant('*')), { minLength: 0, maxLength: 4 }).map((tokens) => [...tokens, '>'].join('.')),
);
const id = fc.constantFrom('s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8');
const operation = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), id, topic }),
  fc.record({ kind: fc.constant('remove' as const), id }),
);

const parsed = (value: string): TopicPattern => {
  const result = parseTopic(value);
  if (!result.ok) throw new Error(result.reason);
  return result.pattern;
};

describe('TopicIndex', () => {
  it('matches exactly the subscriptions whose pattern matches, after any adds, replaces and removes', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), fc.array(subject, { minLength: 1, maxLength: 10 }), (operations, subjects) => {
        const index = new TopicIndex();
        const reference = new Map<string, TopicPattern>();
        for (const step of operations) {
          if (step.kind === 'add') {
            index.add(step.id, parsed(step.topic));
            reference.set(step.id, parsed(step.topic));
          } else {
            expect(index.remove(step.id)).toBe(reference.delete(step.id));
          }
        }
        expect(index.size).toBe(reference.size);
        for (const tokens of subjects) {
          const expected = [...reference].filter(([, pattern]) => matchesTopic(pattern, tokens)).map(([key]) => key);
          expect(index.match(tokens).sort()).toEqual(expected.sort());
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is empty again once every subscription is removed', () => {
    const index = new TopicIndex();
    index.add('a', parsed('events.local.chat.thread.*.th_1'));
    index.add('b', parsed('events.local.>'));
    index.remove('a');
    index.remove('b');
    expect(index.size).toBe(0);
    expect(index.match('events.local.chat.thread.x.th_1'.split('.'))).toEqual([]);
    expect(index).toEqual(new TopicIndex());
  });
});
