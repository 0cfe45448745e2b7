import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error.ts';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import { fakeEngine } from '../testing/fake-engine.ts';
import { FakeThreadSource, flushMicrotasks } from '../testing/fake-thread-source.ts';
import type { Activity } from './sync-engine.ts';

const deletedFrame = (threadId: string, seq: number): InboundFrame => ({
  type: 'thread_event',
  thread_id: threadId,
  data: {
    event_id: `deleted-${seq}`,
    thread_id: threadId,
    thread_seq: seq,
    event_type: 'thread_deleted',
    sender_id: 'system',
    content: null,
    created_at: new Date(1_700_000_000_000).toISOString(),
    data: { reason: 'erased_by_owner' },
  },
});

const messageFrame = (threadId: string, seq: number): InboundFrame => ({
  type: 'thread_message',
  thread_id: threadId,
  data: { id: `m-${seq}`, thread_id: threadId, sender_id: 'user:other', content: `message ${seq}`, role: 'user', thread_seq: seq },
});

async function opened() {
  const source = new FakeThreadSource('t1');
  source.plan(2);
  source.commit(2);
  const { engine, connection } = fakeEngine({ source });
  await engine.start();
  connection.open();
  const activity: Activity[] = [];
  engine.onActivity((item) => activity.push(item));
  const opening = engine.openThread('t1');
  await source.settle();
  await opening;
  return { source, engine, connection, activity };
}

describe('thread_deleted (CONTRACT §14)', () => {
  it('makes the thread gone: the snapshot says deleted, listeners hear it once, later frames change nothing', async () => {
    const { engine, connection, activity } = await opened();
    expect(engine.getThreadSnapshot('t1').deleted).toBe(false);
    connection.deliver(deletedFrame('t1', 3));
    connection.deliver(deletedFrame('t1', 3));
    expect(engine.isThreadDeleted('t1')).toBe(true);
    const snapshot = engine.getThreadSnapshot('t1');
    expect(snapshot.deleted).toBe(true);
    expect(activity.filter((item) => item.kind === 'deleted')).toEqual([{ kind: 'deleted', threadId: 't1' }]);
    // A late frame (another process, a reconnect's replay) neither revives it nor is counted.
    connection.deliver(messageFrame('t1', 4));
    expect(engine.getThreadSnapshot('t1')).toBe(snapshot);
    expect(activity.filter((item) => item.kind === 'summary' && item.summary.lastSeq === 4)).toEqual([]);
    // The connection no longer follows it.
    expect(connection.followed).toEqual([]);
  });

  it('drops the sends of the thread waiting in the outbox', async () => {
    const { engine, connection } = await opened();
    connection.drop();
    await engine.send('t1', 'never sent');
    expect(engine.outbox.list('t1')).toHaveLength(1);
    connection.deliver(deletedFrame('t1', 3));
    expect(engine.outbox.list('t1')).toEqual([]);
  });

  it('a 404 on a thread the client knew means it is gone too (after a reconnect)', async () => {
    const { source, engine, connection, activity } = await opened();
    source.failNext = new ApiError('not_found', 'Thread not found', false, 404);
    connection.drop();
    connection.open();
    await flushMicrotasks();
    await source.settle();
    expect(engine.getThreadSnapshot('t1').deleted).toBe(true);
    expect(activity.filter((item) => item.kind === 'deleted')).toEqual([{ kind: 'deleted', threadId: 't1' }]);
  });

  it('the engine can be told directly (this user erased it): the same as the event', async () => {
    const { engine, activity } = await opened();
    engine.threadDeleted('t1');
    expect(engine.getThreadSnapshot('t1').deleted).toBe(true);
    expect(activity.filter((item) => item.kind === 'deleted')).toHaveLength(1);
  });
});
