import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../protocol/server-frame-schemas.ts';
import { FakeThreadSource, flushMicrotasks } from '../testing/fake-thread-source.ts';
import { entryFromEvent, type LogEntry, type MessageEntry } from './log-entry.ts';
import { ThreadLog } from './thread-log.ts';
import { WindowedThreadLog } from './windowed-thread-log.ts';

const THREAD = 't1';
const at = (seq: number) => new Date(1_700_000_000_000 + seq * 1000).toISOString();

/** The server's side of CONTRACT §14 message deletion, on the fake's log. */
function appendMessage(source: FakeThreadSource): void {
  const seq = source.log.length + 1;
  source.log.push({
    event_id: `event-${seq}`,
    thread_id: THREAD,
    thread_seq: seq,
    event_type: 'message_committed',
    sender_id: 'user:other',
    content: `message ${seq}`,
    created_at: at(seq),
    data: { message_id: `m-${seq}`, role: 'user', attachments: [{ id: `f-${seq}`, name: 'a.png', content_type: 'image/png', size: 3 }] },
  });
  source.commit(1);
}

/**
 * Deletes the message at `seq` as the server does: a `message_deleted` is committed, and the
 * original event reads afterwards with `content: ""` and `data.deleted: true`. The original is
 * replaced, not changed: an answer computed before the deletion keeps the old copy.
 */
function deleteMessage(source: FakeThreadSource, seq: number): InboundEvent {
  const original = source.log[seq - 1]!;
  const messageId = (original.data as { message_id: string }).message_id;
  source.log[seq - 1] = { ...original, content: '', data: { message_id: messageId, role: 'user', deleted: true } };
  const deletionSeq = source.log.length + 1;
  const deletion: InboundEvent = {
    event_id: `event-${deletionSeq}`,
    thread_id: THREAD,
    thread_seq: deletionSeq,
    event_type: 'message_deleted',
    sender_id: 'user:owner',
    content: null,
    created_at: at(deletionSeq),
    data: { message_id: messageId, by: 'user:owner' },
  };
  source.log.push(deletion);
  source.commit(1);
  return deletion;
}

const messagesOf = (log: ThreadLog) => log.items.filter((item): item is MessageEntry => item.kind === 'message');
const entry = (event: InboundEvent) => entryFromEvent(THREAD, event);

async function opened(messages: number) {
  const source = new FakeThreadSource(THREAD);
  for (let i = 0; i < messages; i++) appendMessage(source);
  const log = new ThreadLog(THREAD, { source, onChange: () => undefined });
  const opening = log.open();
  await source.settle();
  await opening;
  return { source, log };
}

describe('message_deleted (CONTRACT §14)', () => {
  it('erases the message in place: content, mentions and files gone, seq kept, the log dense', async () => {
    const { source, log } = await opened(3);
    const before = log.entryAt(2);
    log.receive(entry(deleteMessage(source, 2)));
    const erased = log.entryAt(2) as MessageEntry;
    expect(erased).toMatchObject({ kind: 'message', id: 'm-2', seq: 2, content: '', deleted: true, attachments: undefined });
    expect(erased.mentions).toEqual([]);
    // A new object, so a row that shows the old one re-renders.
    expect(erased).not.toBe(before);
    expect(log.items.map((item) => item.seq)).toEqual([1, 2, 3, 4]);
    expect(log.items[3]).toMatchObject({ kind: 'event', type: 'message_deleted' });
    expect(messagesOf(log).map((message) => message.content)).toEqual(['message 1', '', 'message 3']);
  });

  it('reads a reloaded deleted message (content "" and data.deleted) the same as the live fold', async () => {
    const { source, log } = await opened(2);
    deleteMessage(source, 1);
    const reloading = log.reload();
    await source.settle();
    await reloading;
    expect(log.entryAt(1)).toMatchObject({ id: 'm-1', content: '', deleted: true, attachments: undefined });
    expect(log.entryAt(3)).toMatchObject({ type: 'message_deleted' });
  });

  it('erases a copy that arrives after the deletion (an older page asked for before it)', async () => {
    const source = new FakeThreadSource(THREAD);
    for (let i = 0; i < 60; i++) appendMessage(source);
    const log = new ThreadLog(THREAD, { source, onChange: () => undefined });
    const opening = log.open();
    await source.settle();
    await opening;
    expect(log.windowStart).toBe(11);
    // The older page's answer is computed now, with message 5 intact…
    const older = log.loadOlder();
    await flushMicrotasks();
    // …then message 5 is deleted and the deletion arrives live before that answer.
    log.receive(entry(deleteMessage(source, 5)));
    await source.settle();
    await older;
    expect(log.entryAt(5)).toMatchObject({ id: 'm-5', content: '', deleted: true });
  });

  it('a message that is not held stays untouched by a deletion of another', async () => {
    const { source, log } = await opened(2);
    log.receive(entry(deleteMessage(source, 1)));
    expect(log.entryAt(2)).toMatchObject({ id: 'm-2', content: 'message 2', deleted: false });
  });
});

type Op =
  | { op: 'message' }
  | { op: 'delete'; pick: number }
  | { op: 'deliver'; pick: number }
  | { op: 'reconnect' }
  | { op: 'reload' }
  | { op: 'answer'; pick: number }
  | { op: 'older' };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ op: 'message' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reconnect' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reload' as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('answer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'older' as const }) },
);

/** Ids of the messages whose deletion the log has applied. */
function appliedDeletions(items: readonly LogEntry[]): Set<string> {
  const ids = new Set<string>();
  for (const item of items) if (item.kind === 'event' && item.body.type === 'message_deleted') ids.add(item.body.data.message_id);
  return ids;
}

describe('message deletion under any delivery schedule (property)', () => {
  it('a message whose deletion is applied never shows content; the log stays dense; nothing is duplicated', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 70 }),
        fc.array(opArbitrary, { maxLength: 100 }),
        fc.boolean(),
        async (initial, ops, windowed) => {
          const source = new FakeThreadSource(THREAD);
          for (let i = 0; i < initial; i++) appendMessage(source);
          const options = { source, onChange: () => undefined };
          const log = windowed ? new WindowedThreadLog(THREAD, options) : new ThreadLog(THREAD, options);
          const deleted = new Set<string>();
          void log.open();
          for (const step of ops) {
            switch (step.op) {
              case 'message':
                appendMessage(source);
                break;
              case 'delete': {
                const live = source.log.filter((event) => event.event_type === 'message_committed' && event.content !== '');
                const target = live[step.pick % Math.max(1, live.length)];
                if (target) {
                  deleted.add((target.data as { message_id: string }).message_id);
                  deleteMessage(source, target.thread_seq);
                }
                break;
              }
              case 'deliver':
                // Any committed event, possibly again, out of order, or an old copy from before a deletion.
                if (source.committed > 0) log.receive(entry(source.log[step.pick % source.committed]!));
                break;
              case 'reconnect':
                void log.verify();
                break;
              case 'reload':
                void log.reload();
                break;
              case 'answer':
                if (source.calls.length > 0) source.releaseOne(step.pick % source.calls.length);
                break;
              case 'older':
                void log.loadOlder();
                break;
            }
            await flushMicrotasks();
            const seqs = log.items.map((item) => item.seq);
            expect(seqs).toEqual(seqs.length ? Array.from({ length: seqs.length }, (_, i) => log.windowStart + i) : []);
            expect(new Set(log.items.map((item) => item.key)).size).toBe(log.items.length);
            const applied = appliedDeletions(log.items);
            for (const message of messagesOf(log))
              if (applied.has(message.id)) expect(message).toMatchObject({ content: '', deleted: true, attachments: undefined });
          }
          void log.verify();
          await source.settle();
          while (log.hasOlder) {
            const loading = log.loadOlder();
            await source.settle();
            await loading;
          }
          expect(log.items.map((item) => item.seq)).toEqual(source.log.map((event) => event.thread_seq));
          for (const message of messagesOf(log)) {
            if (deleted.has(message.id)) expect(message).toMatchObject({ content: '', deleted: true, attachments: undefined });
            else expect(message).toMatchObject({ content: `message ${message.seq}`, deleted: false });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
