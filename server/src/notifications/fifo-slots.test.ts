import { describe, expect, it } from 'vitest';
import { FifoSlots } from './fifo-slots.ts';

/** Lets every resolved promise's callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Asks for a slot and records, by name, when it was given. */
function ask(slots: FifoSlots, name: string, given: string[]): Promise<void> {
  return slots.acquire().then(() => void given.push(name));
}

describe('FifoSlots', () => {
  it('gives free slots at once, then in the order asked', async () => {
    const slots = new FifoSlots(2);
    const given: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) void ask(slots, name, given);
    await settle();
    expect(given).toEqual(['a', 'b']);
    expect(slots.waiting).toBe(2);
    slots.release();
    await settle();
    expect(given).toEqual(['a', 'b', 'c']);
    slots.release();
    slots.release();
    await settle();
    expect(given).toEqual(['a', 'b', 'c', 'd']);
    expect(slots.waiting).toBe(0);
  });

  it('lets waiters in a group at a time, or as many as wait when fewer', async () => {
    const slots = new FifoSlots(4, 3);
    const given: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) void ask(slots, name, given);
    await settle();
    expect(given).toEqual(['a', 'b', 'c', 'd']);
    slots.release();
    slots.release();
    await settle();
    // Two free, a group is three: nobody yet.
    expect(given).toHaveLength(4);
    slots.release();
    await settle();
    expect(given).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    // Three given back with nobody waiting; one more asked: in at once.
    slots.release();
    void ask(slots, 'h', given);
    await settle();
    expect(given.at(-1)).toBe('h');
  });

  it('one waiter alone does not wait for a group', async () => {
    const slots = new FifoSlots(2, 2);
    const given: string[] = [];
    for (const name of ['a', 'b', 'c']) void ask(slots, name, given);
    await settle();
    slots.release();
    await settle();
    expect(given).toEqual(['a', 'b', 'c']);
  });

  it('refuses a release of a slot nobody holds, and sizes that make no sense', () => {
    const slots = new FifoSlots(1);
    expect(() => slots.release()).toThrow('a slot was released that was not held');
    expect(() => new FifoSlots(0)).toThrow(RangeError);
    expect(() => new FifoSlots(2, 3)).toThrow(RangeError);
    expect(() => new FifoSlots(1.5)).toThrow(RangeError);
  });

  it('serves a long line in order without losing anyone (past the point where served callers are dropped)', async () => {
    const slots = new FifoSlots(8, 4);
    const given: string[] = [];
    const names = Array.from({ length: 5_000 }, (_, i) => String(i));
    const done = names.map((name) => ask(slots, name, given).then(() => slots.release()));
    await Promise.all(done);
    expect(given).toEqual(names);
    expect(slots.waiting).toBe(0);
  });

  it('keeps no one it served while the line never empties (a thread busy for hours)', async () => {
    const slots = new FifoSlots(8, 4);
    // The array behind the line is private; its length is what a long-running process keeps.
    const kept = () => (slots as unknown as { line: unknown[] }).line.length;
    let turns = 0;
    let mostKept = 0;
    // Each caller asks again at the back as soon as its turn ends: the line is never empty.
    const caller = async () => {
      while (turns < 20_000) {
        await slots.acquire();
        turns++;
        mostKept = Math.max(mostKept, kept());
        await Promise.resolve();
        slots.release();
      }
    };
    await Promise.all(Array.from({ length: 50 }, caller));
    expect(turns).toBeGreaterThanOrEqual(20_000);
    expect(mostKept).toBeLessThan(2_100);
  });
});
