import { parseEventBody } from '../../src/core/protocol/event-data.ts';
import type { InboundEvent } from '../../src/core/protocol/server-frame-schemas.ts';
import type { TimelineItem } from '../../src/core/timeline/timeline-item.ts';

const isVisitor = (senderId: unknown): senderId is string => typeof senderId === 'string' && senderId.startsWith('visitor:');

/**
 * The visitor's own sender id, read from the first page of their thread's history: the
 * `participant_joined` of the one `visitor:` participant (a public thread has exactly one),
 * else any event a visitor sent (a server without `participant_joined`). Null when the
 * page says nothing yet.
 */
export function visitorSenderOf(events: readonly InboundEvent[]): string | null {
  for (const event of events) {
    const body = parseEventBody(event.event_type, event.data);
    if (body.type !== 'participant_joined') continue;
    const senderId = body.data.sender_id ?? event.sender_id;
    if (isVisitor(senderId)) return senderId;
  }
  return events.map((event) => event.sender_id).find(isVisitor) ?? null;
}

/** Participants' names from the `participant_joined` notices of a thread's timeline, by sender id. */
export function participantNames(items: readonly TimelineItem[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const item of items) {
    if (item.kind !== 'notice' || item.entry.body.type !== 'participant_joined') continue;
    const { sender_id: senderId, name } = item.entry.body.data;
    if (senderId && name?.trim()) names.set(senderId, name.trim());
  }
  return names;
}
