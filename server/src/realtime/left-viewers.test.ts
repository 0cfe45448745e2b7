import { describe, expect, it } from 'vitest';
import { LEFT_MEMORY_MS, LeftViewers } from './left-viewers.ts';

describe('LeftViewers', () => {
  it('remembers when each sender last left each thread, the latest time winning', () => {
    let now = 1_000;
    const left = new LeftViewers(() => now);
    left.record('t1', 'visitor:a');
    now = 2_000;
    left.record('t1', 'visitor:b');
    now = 3_000;
    left.record('t1', 'visitor:a');
    expect(left.leftAt('t1', 'visitor:a')).toBe(3_000);
    expect(left.leftAt('t1', 'visitor:b')).toBe(2_000);
    expect(left.leftAt('t2', 'visitor:a')).toBeUndefined();
  });

  it('forgets what is older than its memory as new entries come', () => {
    let now = 0;
    const left = new LeftViewers(() => now);
    left.record('t1', 'visitor:a');
    now = LEFT_MEMORY_MS + 1;
    left.record('t2', 'visitor:b');
    expect(left.leftAt('t1', 'visitor:a')).toBeUndefined();
    expect(left.leftAt('t2', 'visitor:b')).toBe(LEFT_MEMORY_MS + 1);
  });
});
