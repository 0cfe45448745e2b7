import { describe, expect, it } from 'vitest';
import { ownershipEvents } from '../protocol/ownership-fixtures.ts';
import type { ThreadEvent } from '../protocol/model.ts';
import { parseEvent, type InboundEvent } from '../protocol/server-frame-schemas.ts';
import type { TimelineItem } from '../timeline/timeline-item.ts';
import { FakeConnection } from '../testing/fake-connection.ts';
import { fakeEngine } from '../testing/fake-engine.ts';
import { FakeThreadSource } from '../testing/fake-thread-source.ts';

/** An ownership fixture event moved to thread t1 at `seq`. */
const at = (seq: number, event: ThreadEvent): InboundEvent =>
  parseEvent({ ...event, thread_id: 't1', thread_seq: seq, event_id: `own-${seq}` })!;

async function openWithTwoMessages() {
  const source = new FakeThreadSource('t1');
  const { engine, connection } = fakeEngine({ source, connection: new FakeConnection(), selfSenderId: 'user:me' });
  source.plan(2);
  source.commit(2);
  await engine.start();
  connection.open();
  const opening = engine.openThread('t1');
  await source.settle();
  await opening;
  engine.flush();
  return { source, engine, connection };
}

const shown = (items: readonly TimelineItem[]) => items.map((item) => (item.kind === 'notice' ? `notice:${item.entry.type}` : item.kind));

describe('ownership events in the engine (CONTRACT §11)', () => {
  it('holds each one as a durable log entry: seqs stay dense, nothing is re-read, hidden shows nothing', async () => {
    const { source, engine, connection } = await openWithTwoMessages();
    const frames = [
      at(3, ownershipEvents.status_changed),
      at(4, ownershipEvents.handoff),
      at(5, ownershipEvents.hidden),
      at(6, ownershipEvents.assignee_changed),
      at(7, ownershipEvents.handback),
      at(8, ownershipEvents.note_added),
    ];
    for (const event of frames) connection.deliver({ type: 'thread_event', thread_id: 't1', data: event });
    engine.flush();
    const snapshot = engine.getThreadSnapshot('t1');
    expect(snapshot.health).toMatchObject({ appliedSeq: 8, status: 'synced' });
    // Dense: no hole was seen, so nothing was polled again.
    expect(source.calls).toHaveLength(0);
    expect(shown(snapshot.items)).toEqual([
      'message',
      'message',
      'notice:status_changed',
      'notice:handoff',
      'notice:assignee_changed',
      'notice:handback',
      'notice:note_added',
    ]);
  });

  it('shows a saved note at once from the answer, or catches up when the answer has no seq', async () => {
    const { source, engine } = await openWithTwoMessages();
    engine.noteSaved('t1', at(3, ownershipEvents.note_added));
    engine.flush();
    expect(shown(engine.getThreadSnapshot('t1').items).at(-1)).toBe('notice:note_added');

    source.log.push(at(4, ownershipEvents.note_added));
    source.commit(1);
    engine.noteSaved('t1', null);
    await source.settle();
    engine.flush();
    expect(engine.getThreadSnapshot('t1').health.appliedSeq).toBe(4);
    expect(shown(engine.getThreadSnapshot('t1').items).slice(-2)).toEqual(['notice:note_added', 'notice:note_added']);
  });
});
