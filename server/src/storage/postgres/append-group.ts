import type postgres from 'postgres';
import type { ParticipationMode } from '../../../../src/core/protocol/model.ts';
import type { ThreadStatus } from '../../../../src/core/protocol/ownership.ts';

/** A message and its `message_committed` event, as `append_group` (PostgreSQL migration 5) takes it. */
export interface MessageWrite {
  kind: 'message';
  thread_id: string;
  message_id: string;
  event_id: string;
  sender_id: string;
  role: string;
  content: string;
  client_message_id: string;
  mentions: string[];
  base_seq: number | null;
  latest_seen_seq: number | null;
  created_at: string;
  /** The `message_committed` event's data. */
  data: Record<string, unknown>;
  /** Insert only while this user is enabled and sees the thread (checked under the thread's row lock). */
  recheck_user_id: string | null;
  recheck_session_version: number | null;
}

/** Any other event of the log. */
export interface EventWrite {
  kind: 'event';
  thread_id: string;
  event_id: string;
  event_type: string;
  sender_id: string;
  content: string | null;
  data: Record<string, unknown>;
  created_at: string;
}

/** One append of a lane's group. */
export type LogWrite = MessageWrite | EventWrite;

/** What became of one write: its seq (and for a message what the statement read about the thread), or null when nothing was inserted (no such thread, or the recheck refused). */
export interface WriteOutcome {
  seq: number;
  participation_mode?: ParticipationMode;
  /** The thread's status at the commit (migration 12). */
  status?: ThreadStatus;
  webhook_ids?: string[];
}

type RawOutcome =
  { seq: number } | { busy: true } | { error: { code: string; constraint: string | null; message: string } } | Record<string, never>;

/** A write left out because another transaction held its thread's row: send it again, waiting. */
export const BUSY = Symbol('busy');

/**
 * A write of the group failed on its own (the others committed without it). Carries the
 * PostgreSQL error's `code` and `constraint_name` like the driver's errors, so callers
 * recognise e.g. a unique violation the same way.
 */
export class AppendFailed extends Error {
  constructor(
    readonly code: string,
    /** Named as the driver's errors name it. */
    readonly constraint_name: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'AppendFailed';
  }
}

/**
 * Commits the writes in ONE statement, `append_group` (a PL/pgSQL function, PostgreSQL
 * migration 5), so that no transaction stays open across a round trip to this process: once
 * the statement is sent, PostgreSQL runs it to its end and releases the thread locks, even if
 * the process freezes (GC pause, SIGSTOP, VM migration) before it reads the answer.
 *
 * Without `waitForLocks`, a thread whose row another transaction holds is left out, all its
 * writes ({@link BUSY}), so that it holds up none of the others; with it, the statement waits
 * for each lock (up to the session's `lock_timeout`). The writes are sent in thread-id order
 * (stable, so a thread's own writes stay in call order): every group everywhere then takes
 * thread locks in one order and two processes' groups cannot deadlock. One element per write
 * comes back, in the order given: a {@link WriteOutcome}; null when nothing was inserted (no
 * such thread, or the recheck refused); {@link BUSY}; or an {@link AppendFailed} for a write
 * that failed alone.
 */
export async function appendGroup(
  sql: postgres.Sql,
  writes: readonly LogWrite[],
  waitForLocks: boolean,
): Promise<(WriteOutcome | null | typeof BUSY | AppendFailed)[]> {
  const order = writes.map((_, index) => index).sort((a, b) => compareIds(writes[a]!.thread_id, writes[b]!.thread_id) || a - b);
  const [row] = await sql<{ outcomes: RawOutcome[] }[]>`
    SELECT append_group(${JSON.stringify(order.map((index) => writes[index]))}::text::jsonb, ${waitForLocks}) AS outcomes`;
  const outcomes = new Array<WriteOutcome | null | typeof BUSY | AppendFailed>(writes.length);
  row!.outcomes.forEach((raw, position) => {
    outcomes[order[position]!] =
      'error' in raw
        ? new AppendFailed(raw.error.code, raw.error.constraint ?? undefined, raw.error.message)
        : 'busy' in raw
          ? BUSY
          : 'seq' in raw
            ? (raw as WriteOutcome)
            : null;
  });
  return outcomes;
}

/** Any fixed order will do: every process must only use the same one. */
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
