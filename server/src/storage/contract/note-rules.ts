import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { NewNote } from '../stores/note-store.ts';
import { message, thread, users, type ContractOpen } from './fixtures.ts';

const note = (threadId: string, senderId: string, content: string, clientMessageId: string = randomUUID()): NewNote => ({
  threadId,
  senderId,
  content,
  clientMessageId,
});

/** Storage contract rules of private notes (CONTRACT §11): `note_added` events of the log, idempotent like sends. */
export function noteRules(open: ContractOpen): void {
  it('note rule 1: a note is a note_added event at the next seq, read back from the log as committed', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    await storage.log.commitMessage(message(t.id, `user:${b}`, 'hello'));
    const result = await storage.notes.commit(note(t.id, `user:${a}`, 'Only the team sees this.', 'n1'));
    expect(result.status).toBe('created');
    if (result.status !== 'created') return;
    expect(result.note).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      thread_id: t.id,
      thread_seq: 4,
      sender_id: `user:${a}`,
      content: 'Only the team sees this.',
      client_message_id: 'n1',
      created_at: result.event.created_at,
    });
    const { events } = await storage.log.list(t.id, 3, 10);
    expect(events).toEqual([result.event]);
    expect(result.event).toMatchObject({
      thread_seq: 4,
      event_type: 'note_added',
      sender_id: `user:${a}`,
      content: 'Only the team sees this.',
      data: { note_id: result.note.id, content: 'Only the team sees this.', client_message_id: 'n1' },
    });
    // A note is not the thread's last message, and counts as no one's unread message.
    const stored = (await storage.threads.get(t.id))!;
    expect(stored.lastSeq).toBe(4);
    expect(stored.lastMessage?.content).toBe('hello');
    expect(await storage.threads.readState(t.id, b!)).toEqual({ readSeq: 0, unreadCount: 0 });
    await storage.close();
  });

  it('note rule 2: the same client_message_id again is the same note (duplicate) or a conflict, and commits nothing', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const { thread: t } = await storage.threads.create(thread([a!, b!]));
    const first = await storage.notes.commit(note(t.id, `user:${a}`, 'check the refund', 'k'));
    const again = await storage.notes.commit(note(t.id, `user:${a}`, 'check the refund', 'k'));
    const other = await storage.notes.commit(note(t.id, `user:${a}`, 'something else', 'k'));
    // The key is the sender's: another writer, or a message with the same id, is a new commit.
    const bobs = await storage.notes.commit(note(t.id, `user:${b}`, 'check the refund', 'k'));
    const sameIdMessage = await storage.log.commitMessage(message(t.id, `user:${a}`, 'a message', 'k'));
    expect(first.status).toBe('created');
    expect(again).toEqual({ status: 'duplicate', note: first.note });
    expect(other).toEqual({ status: 'conflict', note: first.note });
    expect(bobs.status).toBe('created');
    expect(sameIdMessage.status).toBe('created');
    const { events } = await storage.log.list(t.id, 0, 50);
    expect(events.map((event) => [event.thread_seq, event.event_type])).toEqual([
      [1, 'participant_joined'],
      [2, 'participant_joined'],
      [3, 'note_added'],
      [4, 'note_added'],
      [5, 'message_committed'],
    ]);
    await storage.close();
  });

  it('note rule 3: concurrent repeats of one note commit it once; the log stays dense', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? storage.notes.commit(note(t.id, `user:${a}`, 'once', 'same'))
          : storage.log.commitMessage(message(t.id, `user:${a}`, `m${i}`)),
      ),
    );
    const notes = results.filter((result) => 'note' in result);
    expect(notes.filter((result) => result.status === 'created')).toHaveLength(1);
    expect(new Set(notes.map((result) => result.note.thread_seq)).size).toBe(1);
    const { events } = await storage.log.list(t.id, 0, 50);
    expect(events.map((event) => event.thread_seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.filter((event) => event.event_type === 'note_added')).toHaveLength(1);
    await storage.close();
  });

  it('note rule 4: a note to a thread that does not exist is refused and stores nothing', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    await expect(storage.notes.commit(note(randomUUID(), `user:${a}`, 'lost'))).rejects.toThrow();
    await storage.close();
  });
}
