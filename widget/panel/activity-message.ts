import type { Activity } from '../../src/core/engine/sync-engine.ts';
import { parseMessageCommittedData } from '../../src/core/protocol/event-data.ts';

/** A committed message as the panel reports it to the page, whichever way it arrived. */
export interface ArrivedMessage {
  id: string;
  senderId: string;
  content: string;
  seq: number | null;
  clientMessageId: string | null;
}

/** The message an engine activity carries (a `thread_message`, or a `message_committed` event), else null. */
export function messageOf(activity: Activity): ArrivedMessage | null {
  if (activity.kind === 'message') {
    const { id, sender_id, content, thread_seq, client_message_id } = activity.message;
    return { id, senderId: sender_id, content, seq: thread_seq ?? null, clientMessageId: client_message_id ?? null };
  }
  if (activity.kind !== 'event' || activity.event.event_type !== 'message_committed') return null;
  const { event } = activity;
  const data = parseMessageCommittedData(event.data);
  const id = data.message_id ?? event.event_id ?? `seq:${event.thread_seq}`;
  const clientMessageId = data.client_message_id ?? null;
  return { id, senderId: event.sender_id ?? 'system', content: event.content ?? '', seq: event.thread_seq, clientMessageId };
}
