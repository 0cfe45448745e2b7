import type { Note, SenderId, ThreadEvent } from '../../../../src/core/protocol/model.ts';

/** A private note to commit (CONTRACT §11). */
export interface NewNote {
  threadId: string;
  /** The writing user's `user:<uuid>`. */
  senderId: SenderId;
  content: string;
  clientMessageId: string;
}

/** `created`: committed now, as `event`; `duplicate`: the same note again; `conflict`: same id, other content. */
export type NoteCommitResult =
  { status: 'created'; note: Note; event: ThreadEvent } | { status: 'duplicate'; note: Note } | { status: 'conflict'; note: Note };

/**
 * Private notes (`storage.notes`). A note is its `note_added` event in the thread's log (no
 * table of its own): the event's `data` holds `{note_id, content, client_message_id}`.
 */
export interface NoteStore {
  /**
   * Commits a `note_added` event at the thread's next seq, idempotently on (thread, sender,
   * client_message_id), as a message send is (CONTRACT §4): a repeat commits nothing.
   */
  commit(input: NewNote): Promise<NoteCommitResult>;
}
