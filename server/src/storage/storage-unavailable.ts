/**
 * Storage failures that pass: the same request may well succeed a moment later (a lock freed,
 * disk space back), and nothing of the failed one was stored. Requests that meet one get
 * `503 unavailable` with `retryable: true` (CONTRACT §2); a retried send with the same
 * `client_message_id` then commits once.
 */

/** PostgreSQL SQLSTATEs of a wait or a conflict that ended the statement, not a bad one. */
const POSTGRES_TRANSIENT: Record<string, string> = {
  // lock_not_available: `lock_timeout` ran out (a stalled process holds the thread).
  '55P03': 'The conversation is busy; try again.',
  // idle_in_transaction_session_timeout ended this connection's transaction.
  '25P03': 'The database ended a stalled transaction; try again.',
  '40P01': 'The conversation is busy; try again.', // deadlock_detected
  '40001': 'The conversation is busy; try again.', // serialization_failure
};

/** SQLite result codes (better-sqlite3's `code`, extended codes included) of a full or unwritable disk. */
const SQLITE_TRANSIENT: [prefix: string, message: string][] = [
  ['SQLITE_FULL', "The server's disk is full; try again later."],
  ['SQLITE_READONLY', "The server's database cannot be written now; try again later."],
  ['SQLITE_IOERR', "The server's disk failed to write; try again later."],
  ['SQLITE_BUSY', 'The database is busy; try again.'],
  ['SQLITE_CANTOPEN', "The server's database cannot be opened now; try again later."],
];

/** The message for the client when `error` is a storage failure that passes, else undefined. */
export function transientStorageFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (Object.hasOwn(POSTGRES_TRANSIENT, code)) return POSTGRES_TRANSIENT[code];
  return SQLITE_TRANSIENT.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1];
}
