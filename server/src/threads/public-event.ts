import { HIDDEN_EVENT_TYPE, type HiddenEvent, type ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { ServerFrame } from '../../../src/core/protocol/server-frames.ts';

/**
 * Event types for the team only (CONTRACT §11 "What visitors see"): a private note, and who a
 * conversation is assigned to. A list, so that a type added later is hidden by adding it here.
 */
export const TEAM_ONLY_EVENT_TYPES: ReadonlySet<string> = new Set(['note_added', 'assignee_changed']);

/** A `thread_event` frame carrying a placeholder: what a visitor's socket gets for a team-only event. */
export type PublicFrame = ServerFrame | { type: 'thread_event'; thread_id: string; data: HiddenEvent };

/** The `hidden` placeholder of an event: its place in the log, nothing of what it says. */
function placeholder(event: ThreadEvent): HiddenEvent {
  return { thread_id: event.thread_id, thread_seq: event.thread_seq, event_type: HIDDEN_EVENT_TYPE, created_at: event.created_at };
}

/**
 * The one rule for what a visitor sees of the log: a team-only event becomes
 * `{thread_id, thread_seq, event_type: "hidden", created_at}`, with no sender, content or
 * data, so that the visitor's log stays dense; every other event is shown as it is. Every
 * public path (the public history, the public socket) goes through here.
 */
export function publicEvent(event: ThreadEvent): ThreadEvent | HiddenEvent {
  return TEAM_ONLY_EVENT_TYPES.has(event.event_type) ? placeholder(event) : event;
}

/** A frame as a visitor's socket shows it: {@link publicEvent}'s rule applied to a `thread_event`; other frames as they are. */
export function publicFrame(frame: ServerFrame): PublicFrame {
  if (frame.type !== 'thread_event' || !TEAM_ONLY_EVENT_TYPES.has(frame.data.event_type)) return frame;
  return { type: 'thread_event', thread_id: frame.thread_id, data: placeholder(frame.data) };
}
