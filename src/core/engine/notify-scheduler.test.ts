import { describe, expect, it } from 'vitest';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { flushMicrotasks } from '../testing/fake-thread-source.ts';
import { NotifyScheduler } from './notify-scheduler.ts';

function setup() {
  const environment = new FakeEnvironment();
  const told: { threads: readonly string[]; global: boolean }[] = [];
  const scheduler = new NotifyScheduler(environment, (threads, global) => told.push({ threads, global }));
  return { environment, told, scheduler };
}

describe('NotifyScheduler', () => {
  it('tells urgent changes in a microtask, once for a batch', async () => {
    const { told, scheduler } = setup();
    scheduler.thread('a', true);
    scheduler.thread('b', true);
    scheduler.thread('a', true);
    expect(told).toEqual([]);
    await flushMicrotasks();
    expect(told).toEqual([{ threads: ['a', 'b'], global: true }]);
  });

  it('coalesces the rest to the next animation frame', async () => {
    const { environment, told, scheduler } = setup();
    for (let i = 0; i < 50; i++) scheduler.thread('a', false);
    await flushMicrotasks();
    expect(told).toEqual([]);
    expect(environment.runFrame()).toBe(1);
    expect(told).toEqual([{ threads: ['a'], global: true }]);
  });

  it('tells a global change alone, and nothing when nothing changed', () => {
    const { environment, told, scheduler } = setup();
    scheduler.flush();
    expect(told).toEqual([]);
    scheduler.global();
    environment.runFrame();
    expect(told).toEqual([{ threads: [], global: true }]);
  });
});
