import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboundMessage } from '../protocol/server-frame-schemas.ts';
import { FakeThreadSource } from '../testing/fake-thread-source.ts';
import { IDLE_SESSION_TTL_MS } from './idle-sessions.ts';
import { fakeEngine } from '../testing/fake-engine.ts';

const ME = 'user:me';

async function setup() {
  const source = new FakeThreadSource('t1');
  const { engine, connection } = fakeEngine({ source, selfSenderId: ME });
  source.plan(3);
  source.commit(3);
  await engine.start();
  connection.open();
  return { source, connection, engine };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

/** Opens t1 on screen with a listener, as the thread view does, and waits until it is loaded. */
async function view(ctx: Ctx, listener: () => void = () => undefined): Promise<() => void> {
  const unsubscribe = ctx.engine.subscribeThread('t1', listener);
  const opening = ctx.engine.openThread('t1');
  await ctx.source.settle();
  await opening;
  ctx.engine.flush();
  return unsubscribe;
}

const contents = (ctx: Ctx) =>
  ctx.engine.getThreadSnapshot('t1').items.map((item) => (item.kind === 'message' ? item.message.content : item.kind));

describe('SyncEngine: idle sessions are freed', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drops a session nothing listens to after IDLE_SESSION_TTL_MS, and builds it anew from the log when used again', async () => {
    const ctx = await setup();
    const unsubscribe = await view(ctx);
    expect(contents(ctx)).toEqual(['message 1', 'message 2', 'message 3']);
    ctx.engine.closeThread('t1');
    unsubscribe();
    const held = ctx.engine.getThreadSnapshot('t1');
    vi.advanceTimersByTime(IDLE_SESSION_TTL_MS - 1);
    expect(ctx.engine.getThreadSnapshot('t1')).toBe(held);
    expect(ctx.engine.metrics.openThreads).toBe(1);

    vi.advanceTimersByTime(1);
    expect(ctx.engine.metrics.openThreads).toBe(0);
    expect(ctx.connection.followed).toEqual([]);
    expect(ctx.engine.getThreadSnapshot('t1')).toMatchObject({ loaded: false, items: [] });

    // The next subscriber reads the thread as a fresh one does, and hears its changes.
    const heard = vi.fn();
    await view(ctx, heard);
    expect(contents(ctx)).toEqual(['message 1', 'message 2', 'message 3']);
    expect(ctx.connection.followed).toEqual(['t1']);
    const message: InboundMessage = {
      id: 'm-4',
      thread_id: 't1',
      sender_id: 'user:other',
      content: 'message 4',
      role: 'user',
      thread_seq: 4,
    };
    ctx.connection.deliver({ type: 'thread_message', thread_id: 't1', data: message });
    ctx.engine.flush();
    expect(heard).toHaveBeenCalled();
    expect(contents(ctx)).toEqual(['message 1', 'message 2', 'message 3', 'message 4']);
    ctx.engine.stop();
  });

  it('keeps a session with a listener, with the thread on screen, or with a send pending', async () => {
    const ctx = await setup();
    const heard = vi.fn();
    const unsubscribe = await view(ctx, heard);
    vi.advanceTimersByTime(3 * IDLE_SESSION_TTL_MS);
    expect(contents(ctx)).toEqual(['message 1', 'message 2', 'message 3']);
    ctx.source.commit(1);
    ctx.connection.deliver({
      type: 'thread_message',
      thread_id: 't1',
      data: { id: 'm-4', thread_id: 't1', sender_id: 'user:other', content: 'message 4', role: 'user', thread_seq: 4 },
    });
    ctx.engine.flush();
    expect(heard).toHaveBeenCalled();

    // On screen, though nothing listens.
    unsubscribe();
    vi.advanceTimersByTime(3 * IDLE_SESSION_TTL_MS);
    expect(ctx.engine.metrics.openThreads).toBe(1);

    // Off screen with a send the server has not answered yet.
    ctx.source.sendMessage = () => new Promise<InboundMessage>(() => undefined);
    await ctx.engine.send('t1', 'still going');
    ctx.engine.closeThread('t1');
    vi.advanceTimersByTime(3 * IDLE_SESSION_TTL_MS);
    expect(ctx.engine.metrics.openThreads).toBe(1);
    expect(ctx.engine.getThreadSnapshot('t1').items.at(-1)).toMatchObject({ kind: 'pending_message', item: { content: 'still going' } });
    ctx.engine.stop();
  });
});
