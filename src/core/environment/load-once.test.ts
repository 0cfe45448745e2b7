import { describe, expect, it } from 'vitest';
import { loadOnce } from './load-once.ts';

describe('loadOnce', () => {
  it('loads once however many ask, before and after it settled', async () => {
    let loads = 0;
    const load = loadOnce(async () => `chunk ${++loads}`);

    const [first, second] = await Promise.all([load(), load()]);
    expect([first, second, await load()]).toEqual(['chunk 1', 'chunk 1', 'chunk 1']);
    expect(loads).toBe(1);
  });

  it('tries again after a failure, and keeps what the retry loaded', async () => {
    let loads = 0;
    const load = loadOnce(async () => {
      loads += 1;
      if (loads === 1) throw new Error('offline');
      return `chunk ${loads}`;
    });

    await expect(load()).rejects.toThrow('offline');
    expect(await load()).toBe('chunk 2');
    expect(await load()).toBe('chunk 2');
    expect(loads).toBe(2);
  });
});
