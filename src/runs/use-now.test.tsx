import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOW_TICK_MS, useNow } from './use-now.ts';

describe('useNow', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-04-09T10:00:00.000Z'));
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('ticks every second while active', () => {
    const { result } = renderHook(() => useNow(true));
    const start = result.current;
    expect(start).toBe(Date.now());
    act(() => {
      vi.advanceTimersByTime(NOW_TICK_MS);
    });
    expect(result.current).toBe(start + NOW_TICK_MS);
    act(() => {
      vi.advanceTimersByTime(NOW_TICK_MS * 3);
    });
    expect(result.current).toBe(start + NOW_TICK_MS * 4);
  });

  it('pauses while inactive and catches up when active again', () => {
    const { result, rerender } = renderHook(({ active }) => useNow(active), { initialProps: { active: true } });
    rerender({ active: false });
    const paused = result.current;
    act(() => {
      vi.advanceTimersByTime(NOW_TICK_MS * 5);
    });
    expect(result.current).toBe(paused);
    expect(vi.getTimerCount()).toBe(0);
    rerender({ active: true });
    expect(result.current).toBe(Date.now());
  });

  it('shares one timer between hooks', () => {
    renderHook(() => useNow(true));
    renderHook(() => useNow(true));
    expect(vi.getTimerCount()).toBe(1);
  });
});
