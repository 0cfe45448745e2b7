import { parseRuntimeData } from '../protocol/runtime-steps.ts';
import type { InboundEvent, InboundFrame, InboundMessage } from '../protocol/server-frame-schemas.ts';
import type { ThreadSession } from '../session/thread-session.ts';

/** Where {@link routeFrame} delivers each kind of frame: the sync engine itself. */
export interface FrameTarget {
  /** The thread's session, created on first use. */
  session(threadId: string): ThreadSession;
  receiveMessage(threadId: string, message: InboundMessage): void;
  receiveEvent(threadId: string, event: InboundEvent): void;
  applyRead(threadId: string, readSeq: number): void;
  emit(activity: { kind: 'error'; code: string; message: string; retryable: boolean; retryAfterMs: number | null }): void;
  /** Counts `thread_runtime` frames whose data did not parse (dropped, like a bad frame). */
  invalidRuntimeData: number;
}

/** Routes one validated frame to its thread's session (or to the engine, for reads and errors). */
export function routeFrame(frame: InboundFrame, target: FrameTarget): void {
  switch (frame.type) {
    case 'thread_message':
      target.receiveMessage(frame.thread_id, frame.data);
      return;
    case 'message_ack':
      if (frame.data.message.thread_id) target.receiveMessage(frame.data.message.thread_id, frame.data.message);
      return;
    case 'thread_event':
      target.receiveEvent(frame.thread_id, frame.data);
      return;
    case 'thread_typing':
      target.session(frame.thread_id).applyTyping(frame.data.sender_id, frame.data.status === 'started');
      return;
    case 'thread_presence':
      target.session(frame.thread_id).applyPresence(frame.data.sender_id, frame.data.status === 'focused');
      return;
    case 'thread_runtime': {
      const parsed = parseRuntimeData(frame.data);
      // Bad data is dropped and counted like a bad frame; an unknown step is ignored (CONTRACT rule 1).
      if (parsed.ok) target.session(frame.thread_id).applyRuntime(parsed.value);
      else if (parsed.reason === 'invalid data') target.invalidRuntimeData++;
      return;
    }
    case 'thread_read':
      target.applyRead(frame.thread_id, frame.data.read_seq);
      return;
    case 'error':
      target.emit({
        kind: 'error',
        code: frame.data.code,
        message: frame.data.message,
        retryable: frame.data.retryable,
        retryAfterMs: frame.data.retry_after_ms ?? null,
      });
      return;
    case 'ready':
    case 'pong':
      return;
    case 'notification':
      // CONTRACT §12: for the notifications panel, which listens on the connection itself.
      return;
  }
}
