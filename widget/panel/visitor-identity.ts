import type { InboundEvent } from '../../src/core/protocol/server-frame-schemas.ts';

const isVisitor = (senderId: unknown): senderId is string => typeof senderId === 'string' && senderId.startsWith('visitor:');

/**
 * The visitor's own sender id, read from the first page of their thread's history: the
 * `participant_joined` of the one `visitor:` participant (a public thread has exactly one),
 * else any event a visitor sent (a server without `participant_joined`). Null when the
 * page says nothing yet.
 */
export function visitorSenderOf(events: readonly InboundEvent[]): string | null {
  for (const event of events) {
    if (event.event_type !== 'participant_joined') continue;
    const senderId = event.data?.sender_id ?? event.sender_id;
    if (isVisitor(senderId)) return senderId;
  }
  return events.map((event) => event.sender_id).find(isVisitor) ?? null;
}

/** Participants' names from the `participant_joined` entries of a thread's log, by sender id. */
export function participantNames(entries: readonly { kind: string; type: string; data?: Readonly<Record<string, unknown>> }[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of entries) {
    if (entry.kind !== 'event' || entry.type !== 'participant_joined') continue;
    const { sender_id: senderId, name } = entry.data ?? {};
    if (typeof senderId === 'string' && typeof name === 'string' && name.trim()) names.set(senderId, name.trim());
  }
  return names;
}
