import { describe, expect, it } from 'vitest';
import { MAX_MUTED_THREADS, MutedThreads, mutedThreadsKey, parseMutedThreads } from './muted-threads.ts';

function memoryStorage() {
  const values = new Map<string, string>();
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    values,
  };
}

describe('parseMutedThreads', () => {
  it('reads a JSON array of ids and drops anything else', () => {
    expect([...parseMutedThreads('["a","b"]')]).toEqual(['a', 'b']);
    expect([...parseMutedThreads('["a",3,null,"",{"x":1},"b"]')]).toEqual(['a', 'b']);
    expect(parseMutedThreads(null).size).toBe(0);
    expect(parseMutedThreads('not json').size).toBe(0);
    expect(parseMutedThreads('{"a":true}').size).toBe(0);
    expect(parseMutedThreads('"a"').size).toBe(0);
  });

  it('keeps at most MAX_MUTED_THREADS, the newest', () => {
    const many = Array.from({ length: MAX_MUTED_THREADS + 5 }, (_, i) => `t${i}`);
    const parsed = parseMutedThreads(JSON.stringify(many));
    expect(parsed.size).toBe(MAX_MUTED_THREADS);
    expect(parsed.has('t0')).toBe(false);
    expect(parsed.has(`t${MAX_MUTED_THREADS + 4}`)).toBe(true);
  });
});

describe('MutedThreads', () => {
  it('mutes and unmutes per user, and a second reader (another tab) sees it', () => {
    const storage = memoryStorage();
    const tab1 = new MutedThreads(storage, mutedThreadsKey('u1'));
    const tab2 = new MutedThreads(storage, mutedThreadsKey('u1'));
    const otherUser = new MutedThreads(storage, mutedThreadsKey('u2'));
    expect(tab1.set('t1', true)).toBe(true);
    expect(tab2.isMuted('t1')).toBe(true);
    expect(otherUser.isMuted('t1')).toBe(false);
    expect(storage.values.get('ama2:muted:u1')).toBe('["t1"]');
    tab2.set('t1', false);
    expect(tab1.isMuted('t1')).toBe(false);
  });

  it('survives storage that throws or is missing', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    const muted = new MutedThreads(broken, 'k');
    expect(muted.isMuted('t1')).toBe(false);
    expect(muted.set('t1', true)).toBe(false);
    expect(new MutedThreads(null, 'k').set('t1', true)).toBe(false);
  });
});
