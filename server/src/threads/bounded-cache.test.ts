import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache.ts';

function clock() {
  let time = 1_000;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('BoundedCache', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new BoundedCache<string, number>(2, 60_000);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now more recent than b
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('forgets an entry ttlMs after it was stored', () => {
    const time = clock();
    const cache = new BoundedCache<string, number>(10, 500, time.now);
    cache.set('a', 1);
    time.advance(499);
    expect(cache.get('a')).toBe(1);
    time.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('load reads once, then answers from the cache; undefined is not stored', async () => {
    const cache = new BoundedCache<string, string>(10, 60_000);
    let reads = 0;
    const read = async () => (reads++, 'value');
    expect(await cache.load('a', read)).toBe('value');
    expect(await cache.load('a', read)).toBe('value');
    expect(reads).toBe(1);
    expect(await cache.load('missing', async () => undefined)).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('a load that raced with a delete does not store the old value', async () => {
    const cache = new BoundedCache<string, string>(10, 60_000);
    let finish: (value: string) => void = () => undefined;
    const loading = cache.load('user', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.delete('user'); // e.g. the user was disabled while their row was being read
    finish('enabled');
    expect(await loading).toBe('enabled');
    expect(cache.get('user')).toBeUndefined();
  });

  it('a load that raced with clear does not store either', async () => {
    const cache = new BoundedCache<string, string>(10, 60_000);
    let finish: (value: string) => void = () => undefined;
    const loading = cache.load('x', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.clear();
    finish('old');
    await loading;
    expect(cache.size).toBe(0);
  });

  it('refuses bounds that make no sense', () => {
    expect(() => new BoundedCache(0, 1_000)).toThrow(/maxEntries/);
    expect(() => new BoundedCache(10, 0)).toThrow(/ttlMs/);
  });
});
