import type Database from 'better-sqlite3';
import { noteAddedEvent, noteOf, repeatOfNote } from '../committed-note.ts';
import type { NewNote, NoteCommitResult, NoteStore } from '../stores/note-store.ts';
import type { GroupedWriter } from './grouped-writer.ts';
import { now, toEvent, type Row } from './rows.ts';
import type { SqliteThreadLog } from './thread-log.ts';

/**
 * Private notes in the SQLite file: `note_added` events of the log, committed through the
 * {@link GroupedWriter} like every append. The partial unique index `events_note_idempotency`
 * (migration 11) finds a repeat and refuses a second note with the same key.
 */
export class SqliteNotes implements NoteStore {
  private readonly byClientId;

  constructor(
    db: Database.Database,
    private readonly writer: GroupedWriter,
    private readonly log: SqliteThreadLog,
  ) {
    // The expression and condition of the partial index, so that the lookup is answered from it.
    this.byClientId = db.prepare(
      `SELECT * FROM events WHERE thread_id = ? AND sender_id = ? AND json_extract(data, '$.client_message_id') = ?
         AND event_type = 'note_added'`,
    );
  }

  async commit(input: NewNote): Promise<NoteCommitResult> {
    return this.writer.run(() => {
      const existing = this.byClientId.get(input.threadId, input.senderId, input.clientMessageId) as Row | undefined;
      if (existing) return repeatOfNote(toEvent(existing), input);
      const event = this.log.insertEvent(input.threadId, noteAddedEvent(input), now());
      return { status: 'created', note: noteOf(event), event };
    });
  }
}
