import type postgres from 'postgres';
import { rowCodec } from '../row-codec.ts';

export type { Row } from '../row-codec.ts';

/** A connection pool or a transaction: every query helper runs on either. */
export type Db = postgres.Sql | postgres.TransactionSql;

export const now = () => new Date().toISOString();
/** A `timestamptz` as the ISO string SQLite stores (`2026-01-01T00:00:00.000Z`). */
export const iso = (value: unknown) => (value as Date).toISOString();

/** The PostgreSQL error code of a unique violation, and the constraint it names. */
export function uniqueViolation(error: unknown): string | undefined {
  const pgError = error as { code?: string; constraint_name?: string };
  return pgError.code === '23505' ? (pgError.constraint_name ?? '') : undefined;
}

/** PostgreSQL's row codec: `boolean` comes as a boolean, `timestamptz` as a Date, `jsonb` parsed. */
export const {
  toUser,
  toAgent,
  toAgentToken,
  toVisitor,
  toParticipant,
  toThread,
  toOwnership,
  toVisitorThread,
  toEvent,
  toMessage,
  toWebhook,
  toApproval,
  toRun,
} = rowCodec({
  bool: (value) => value === true,
  time: iso,
  json: (value) => value,
});
