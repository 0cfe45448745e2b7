import { parseServerFrame, type InboundEvent, type InboundParse } from '../protocol/server-frame-schemas.ts';

/**
 * Turns what the per-thread fallbacks read (SSE `data:` lines, poll pages) into the frames
 * the WebSocket would have sent, so the engine sees one vocabulary whatever the transport.
 * Every result goes through `parseServerFrame`: a cast is not a check.
 */

/** A durable event (it has a `thread_seq`) as a `thread_event` frame of its thread. */
export function durableEventFrame(threadId: string, event: InboundEvent | unknown): InboundParse {
  return parseServerFrame({ type: 'thread_event', thread_id: threadId, data: event });
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One SSE event object (already JSON-parsed) as a frame. Durable events (with `thread_seq`)
 * become `thread_event`; live-only ones are mapped back from the event shape the server
 * streams (`typing`, `thread_presence`, runtime `event_type`s; see the server's
 * `ephemeralEvent`). Reads `sender_id` / `status` from `data` first and the top level second,
 * so a server that puts them on the event itself is understood too.
 */
export function streamEventFrame(threadId: string, event: unknown): InboundParse {
  if (!isObject(event)) return { ok: false, type: null, reason: 'not an object' };
  if (event.thread_seq !== undefined) return durableEventFrame(threadId, event);
  const type = event.event_type;
  if (typeof type !== 'string') return { ok: false, type: null, reason: 'no event_type' };
  const data = isObject(event.data) ? event.data : {};
  switch (type) {
    case 'typing':
    case 'thread_typing':
    case 'thread_presence':
    case 'presence':
      // Both name who and what either in `data` or on the event itself.
      return parseServerFrame({
        type: type.endsWith('typing') ? 'thread_typing' : 'thread_presence',
        thread_id: threadId,
        data: { sender_id: data.sender_id ?? event.sender_id, status: data.status ?? event.status },
      });
    case 'thread_read':
      return parseServerFrame({ type: 'thread_read', thread_id: threadId, data });
    default: {
      const runId = data.run_id ?? event.run_id;
      return parseServerFrame({
        type: 'thread_runtime',
        thread_id: threadId,
        data: { ...data, event_type: type, ...(runId === undefined ? {} : { run_id: runId }) },
      });
    }
  }
}
