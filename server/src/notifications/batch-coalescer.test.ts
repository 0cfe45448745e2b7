import { describe, expect, it } from 'vitest';
import { BatchCoalescer } from './batch-coalescer.ts';

describe('BatchCoalescer', () => {
  it('joins the requests of one turn into batches of at most maxBatch, each caller getting its own answer', async () => {
    const batches: string[][] = [];
    const coalescer = new BatchCoalescer<string, string>(async (keys) => {
      batches.push(keys);
      return keys.map((key) => key.toUpperCase());
    }, 2);
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => coalescer.load(key)));
    expect(answers).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    // A later turn is a new batch.
    expect(await coalescer.load('f')).toBe('F');
    expect(batches.at(-1)).toEqual(['f']);
  });

  it('rejects every request of a failed batch with its error, and only those', async () => {
    const coalescer = new BatchCoalescer<number, number>(async (keys) => {
      if (keys.includes(3)) throw new Error('the database did not answer');
      return keys.map((key) => key * 10);
    }, 2);
    const settled = await Promise.allSettled([1, 2, 3, 4].map((key) => coalescer.load(key)));
    expect(settled.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([
      10,
      20,
      'the database did not answer',
      'the database did not answer',
    ]);
  });

  it('rejects a batch answered with the wrong number of values, and refuses a batch size below 1', async () => {
    const coalescer = new BatchCoalescer<number, number>(async () => [1], 5);
    await expect(Promise.all([coalescer.load(1), coalescer.load(2)])).rejects.toThrow('a batch of 2 got 1 answers');
    expect(() => new BatchCoalescer<number, number>(async (keys) => keys, 0)).toThrow(
      'maxBatch must be a whole number of at least 1, got 0.',
    );
  });
});
