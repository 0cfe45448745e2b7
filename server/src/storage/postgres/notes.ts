import type postgres from 'postgres';
import { noteAddedEvent, noteOf, repeatOfNote } from '../committed-note.ts';
import type { NewNote, NoteCommitResult, NoteStore } from '../stores/note-store.ts';
import { now, toEvent, uniqueViolation, type Row } from './rows.ts';
import { insertEvent } from './thread-log.ts';

/** The partial unique index of migration 9: one note per (thread, sender, client_message_id). */
const NOTE_IDEMPOTENCY_INDEX = 'events_note_idempotency';

/**
 * Private notes in PostgreSQL: `note_added` events of the log. The append is tried first, in
 * one statement that takes the thread row's lock and the next seq ({@link insertEvent}); the
 * partial unique index turns a repeat, even one racing in from another process, into a failed
 * statement (rolled back, seq included), and the stored note is then read back.
 */
export class PostgresNotes implements NoteStore {
  constructor(private readonly sql: postgres.Sql) {}

  async commit(input: NewNote): Promise<NoteCommitResult> {
    try {
      const event = await insertEvent(this.sql, input.threadId, noteAddedEvent(input), now());
      return { status: 'created', note: noteOf(event), event };
    } catch (error) {
      if (uniqueViolation(error) !== NOTE_IDEMPOTENCY_INDEX) throw error;
    }
    const [row] = await this.sql<Row[]>`
      SELECT * FROM events
      WHERE thread_id = ${input.threadId} AND sender_id = ${input.senderId} AND data ->> 'client_message_id' = ${input.clientMessageId}
        AND event_type = 'note_added'`;
    if (!row) throw new Error(`note ${input.clientMessageId} was refused as a repeat but is not stored`);
    return repeatOfNote(toEvent(row), input);
  }
}
