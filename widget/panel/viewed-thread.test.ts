import { afterEach, describe, expect, it } from 'vitest';
import { storedLauncher, visitorKey } from '../shared/visitor-store.ts';
import { rememberViewed, viewedThread } from './viewed-thread.ts';

const KEY = visitorKey('https://chat.example', 'demo');

afterEach(() => sessionStorage.clear());

describe('the conversation this tab shows (viewed-thread.ts)', () => {
  it('is kept per tab in sessionStorage, apart from the record and the open flag, until a start that is the server’s clears it', () => {
    expect(viewedThread(KEY)).toBeNull();
    rememberViewed(KEY, 'thread-earlier');
    expect(viewedThread(KEY)).toBe('thread-earlier');
    expect(sessionStorage.getItem(`${KEY}:viewing`)).toBe('thread-earlier');
    // Not the record (localStorage, shared by the tabs), and not "the panel is open".
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(storedLauncher(KEY)).toEqual([0, false]);
    rememberViewed(KEY, null);
    expect(viewedThread(KEY)).toBeNull();
    expect(sessionStorage.length).toBe(0);
  });

  it('reads as none, and writes nothing, where sessionStorage throws', () => {
    const original = Object.getOwnPropertyDescriptor(window, 'sessionStorage')!;
    Object.defineProperty(window, 'sessionStorage', {
      configurable: true,
      get() {
        throw new Error('SecurityError');
      },
    });
    try {
      expect(() => rememberViewed(KEY, 'thread-earlier')).not.toThrow();
      expect(viewedThread(KEY)).toBeNull();
    } finally {
      Object.defineProperty(window, 'sessionStorage', original);
    }
  });
});
