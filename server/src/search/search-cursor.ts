import { badRequest } from '../http/errors.ts';

/**
 * Where the next page of a search starts (`next_cursor`, opaque to clients): after a thread
 * match (threads come first), or before an indexed event position.
 */
export type SearchCursor = { kind: 'thread'; createdAt: string; id: string } | { kind: 'event'; before: number };

/** Encodes a cursor as base64url JSON. */
export function encodeSearchCursor(cursor: SearchCursor): string {
  const body = cursor.kind === 'thread' ? { t: [cursor.createdAt, cursor.id] } : { e: cursor.before };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const CURSOR_ERROR = 'cursor is not one this server gave out.';

/** The cursor a client sent back; a `400` for anything this server did not make. */
export function decodeSearchCursor(text: string): SearchCursor {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badRequest(CURSOR_ERROR);
  }
  if (typeof body === 'object' && body !== null) {
    const { t, e } = body as { t?: unknown; e?: unknown };
    if (Number.isSafeInteger(e) && (e as number) > 0) return { kind: 'event', before: e as number };
    if (Array.isArray(t) && t.length === 2 && typeof t[0] === 'string' && ISO_TIME.test(t[0]) && typeof t[1] === 'string') {
      return { kind: 'thread', createdAt: t[0], id: t[1] };
    }
  }
  throw badRequest(CURSOR_ERROR);
}
