import { describe, expect, it } from 'vitest';
import { FRAME_DROPS_BEFORE_CLOSE, FRAME_FLOOD_RETRY_MS, FRAME_NOTICE_INTERVAL_MS, FrameLimiter } from './frame-limiter.ts';

describe('FrameLimiter', () => {
  it('takes a burst, then the refill rate; a dropped frame says when the next one fits', () => {
    let now = 0;
    const limiter = new FrameLimiter(3, 10, () => now);
    for (let i = 0; i < 3; i++) expect(limiter.admit()).toEqual({ kind: 'accept' });
    expect(limiter.admit()).toEqual({ kind: 'drop', notify: true, retryAfterMs: 100 });
    now += 40;
    expect(limiter.admit()).toEqual({ kind: 'drop', notify: false, retryAfterMs: 60 });
    now += 60;
    expect(limiter.admit()).toEqual({ kind: 'accept' });
    // A long quiet spell refills the burst, no more.
    now += 60_000;
    for (let i = 0; i < 3; i++) expect(limiter.admit().kind).toBe('accept');
    expect(limiter.admit().kind).toBe('drop');
  });

  it('tells the client at most once per notice interval', () => {
    let now = 0;
    const limiter = new FrameLimiter(1, 1, () => now);
    limiter.admit();
    const notices = () => {
      let count = 0;
      for (let i = 0; i < 10; i++) {
        const decision = limiter.admit();
        if (decision.kind === 'drop' && decision.notify) count++;
      }
      return count;
    };
    expect(notices()).toBe(1);
    now += FRAME_NOTICE_INTERVAL_MS - 1;
    limiter.admit(); // the refilled token
    expect(notices()).toBe(0);
    now += 1;
    expect(notices()).toBe(1);
  });

  it('closes a connection that goes on after it was told', () => {
    const now = 0;
    const limiter = new FrameLimiter(1, 1, () => now);
    limiter.admit();
    for (let i = 1; i < FRAME_DROPS_BEFORE_CLOSE; i++) expect(limiter.admit().kind).toBe('drop');
    expect(limiter.admit()).toEqual({ kind: 'close', retryAfterMs: FRAME_FLOOD_RETRY_MS });
  });
});
