import { describe, expect, it } from 'vitest';
import { PresenceTracker } from './presence-tracker.ts';

describe('PresenceTracker', () => {
  it('reports focus on the first connection and unfocus on the last', () => {
    const presence = new PresenceTracker();
    expect(presence.focused('t', 'user:a')).toBe(true);
    expect(presence.focused('t', 'user:a')).toBe(false);
    expect(presence.viewers('t')).toEqual(['user:a']);
    expect(presence.unfocused('t', 'user:a')).toBe(false);
    expect(presence.unfocused('t', 'user:a')).toBe(true);
    expect(presence.viewers('t')).toEqual([]);
  });

  it('ignores an unfocus without a focus', () => {
    const presence = new PresenceTracker();
    expect(presence.unfocused('t', 'user:a')).toBe(false);
  });
});
