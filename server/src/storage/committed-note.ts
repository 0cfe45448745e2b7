import { randomUUID } from 'node:crypto';
import type { Note, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { NewEvent } from './storage.ts';
import type { NewNote, NoteCommitResult } from './stores/note-store.ts';

/**
 * What both storages write and return for a private note, written once: the `note_added`
 * event (the note's content is also the event's `content`, as a message's is, so that what
 * reads events' text reads notes too), the note read back from it, and how a repeat is answered.
 */
export function noteAddedEvent(input: NewNote, noteId: string = randomUUID()): NewEvent {
  return {
    eventType: 'note_added',
    senderId: input.senderId,
    content: input.content,
    data: { note_id: noteId, content: input.content, client_message_id: input.clientMessageId },
  };
}

/** The note a `note_added` event holds. */
export function noteOf(event: ThreadEvent): Note {
  const data = event.data as { note_id: string; content: string; client_message_id: string };
  return {
    id: data.note_id,
    thread_id: event.thread_id,
    thread_seq: event.thread_seq,
    sender_id: event.sender_id,
    content: data.content,
    client_message_id: data.client_message_id,
    created_at: event.created_at,
  };
}

/** The same note again (same content) is a duplicate; the same id with other content, a conflict. */
export function repeatOfNote(existing: ThreadEvent, input: NewNote): NoteCommitResult {
  const note = noteOf(existing);
  return note.content === input.content ? { status: 'duplicate', note } : { status: 'conflict', note };
}
