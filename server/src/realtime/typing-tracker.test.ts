import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TYPING_EXPIRY_MS, TYPING_THROTTLE_MS, TypingTracker } from './typing-tracker.ts';

describe('TypingTracker', () => {
  let expired: string[];
  let tracker: TypingTracker;

  beforeEach(() => {
    vi.useFakeTimers();
    expired = [];
    tracker = new TypingTracker((thread, sender, status) => expired.push(`${thread}/${sender}${status === 'started' ? ' started' : ''}`));
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

  it('holds the throttle across stopped: a started/stopped flip-flop forwards one of each per window, like a steady typer', () => {
    const forwarded: string[] = [];
    for (let window = 0; window < 3; window++) {
      for (let flip = 0; flip < 500; flip++) {
        for (const status of ['started', 'stopped'] as const) if (tracker.signal('t', 'user:a', status)) forwarded.push(status);
      }
      vi.advanceTimersByTime(TYPING_THROTTLE_MS);
    }
    expect(forwarded).toEqual(['started', 'stopped', 'started', 'stopped', 'started', 'stopped']);
    // Ended on stopped: nothing was held back, nothing expires.
    vi.advanceTimersByTime(TYPING_EXPIRY_MS);
    expect(expired).toEqual([]);
  });

  it('sends a started held back by the throttle when its window ends, if the sender still types', () => {
    expect(tracker.signal('t', 'user:a', 'started')).toBe(true);
    expect(tracker.signal('t', 'user:a', 'stopped')).toBe(true);
    vi.advanceTimersByTime(500);
    expect(tracker.signal('t', 'user:a', 'started')).toBe(false);
    vi.advanceTimersByTime(TYPING_THROTTLE_MS - 501);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['t/user:a started']);
    // Shown now: the stop goes out, and the next start waits for the new window.
    expect(tracker.signal('t', 'user:a', 'stopped')).toBe(true);
    expect(tracker.signal('t', 'user:a', 'started')).toBe(false);
    // Stopped again before the window ends: the held-back start is dropped.
    expect(tracker.signal('t', 'user:a', 'stopped')).toBe(false);
    vi.advanceTimersByTime(TYPING_EXPIRY_MS);
    expect(expired).toEqual(['t/user:a started']);
    expect(tracker.isTyping('t', 'user:a')).toBe(false);
  });

  it('keeps senders and threads apart', () => {
    expect(tracker.signal('t1', 'user:a', 'started')).toBe(true);
    expect(tracker.signal('t1', 'user:b', 'started')).toBe(true);
    expect(tracker.signal('t2', 'user:a', 'started')).toBe(true);
  });
});
