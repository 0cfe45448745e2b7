import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TYPING_EXPIRY_MS, TYPING_THROTTLE_MS, TypingTracker } from './typing-tracker.ts';

describe('TypingTracker', () => {
  let expired: string[];
  let tracker: TypingTracker;

  beforeEach(() => {
    vi.useFakeTimers();
    expired = [];
    tracker = new TypingTracker((thread, sender) => expired.push(`${thread}/${sender}`));
  });
  afterEach(() => {
    tracker.clear();
    vi.useRealTimers();
  });

  it('forwards the first start, throttles repeats within 2 s, then forwards again', () => {
    expect(tracker.signal('t', 'user:a', 'started')).toBe(true);
    vi.advanceTimersByTime(TYPING_THROTTLE_MS - 1);
    expect(tracker.signal('t', 'user:a', 'started')).toBe(false);
    vi.advanceTimersByTime(1);
    expect(tracker.signal('t', 'user:a', 'started')).toBe(true);
  });

  it('forwards stopped only for someone who was typing', () => {
    expect(tracker.signal('t', 'user:a', 'stopped')).toBe(false);
    tracker.signal('t', 'user:a', 'started');
    expect(tracker.signal('t', 'user:a', 'stopped')).toBe(true);
    expect(tracker.isTyping('t', 'user:a')).toBe(false);
  });

  it('expires a start that is not refreshed, and a refresh pushes the expiry back', () => {
    tracker.signal('t', 'user:a', 'started');
    vi.advanceTimersByTime(TYPING_EXPIRY_MS - 1000);
    tracker.signal('t', 'user:a', 'started');
    vi.advanceTimersByTime(TYPING_EXPIRY_MS - 1);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['t/user:a']);
    expect(tracker.isTyping('t', 'user:a')).toBe(false);
  });

  it('keeps senders and threads apart', () => {
    expect(tracker.signal('t1', 'user:a', 'started')).toBe(true);
    expect(tracker.signal('t1', 'user:b', 'started')).toBe(true);
    expect(tracker.signal('t2', 'user:a', 'started')).toBe(true);
  });
});
