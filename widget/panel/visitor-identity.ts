import { parseEventBody } from '../../src/core/protocol/event-data.ts';
import type { InboundEvent } from '../../src/core/protocol/server-frame-schemas.ts';
import type { TimelineItem } from '../../src/core/timeline/timeline-item.ts';
import type { PanelStrings } from './i18n.ts';

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

/**
 * Who a message is from, in the visitor's words: the participant's name when the thread
 * tells it, else "Team member" for a person of the team, else the agent's name (or "Assistant").
 */
export function senderName(
  senderId: string | null,
  names: ReadonlyMap<string, string>,
  agentName: string | null,
  strings: Pick<PanelStrings, 'teamMember' | 'assistant'>,
): string {
  const known = senderId ? names.get(senderId) : undefined;
  if (known) return known;
  if (senderId?.startsWith('user:')) return strings.teamMember;
  return agentName ?? strings.assistant;
}

/** A name a visitor may read (trimmed), or null: blank, an email, or an id (`user:…`). */
export const shownName = (name: string | null | undefined): string | null => {
  const trimmed = name?.trim();
  return trimmed && !trimmed.includes('@') && !/^(user|agent|visitor):/.test(trimmed) ? trimmed : null;
};

/**
 * Participants' names from a thread's timeline, by sender id: from `participant_joined`, and
 * from a take-over's `handoff` (CONTRACT §11: `to` and `name`), so the replies of the person who
 * took over carry their name rather than "Team member". A name that is an email or an id is
 * left out.
 */
export function participantNames(items: readonly TimelineItem[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const item of items) {
    if (item.kind !== 'notice') continue;
    const { body } = item.entry;
    const [senderId, name] =
      body.type === 'participant_joined'
        ? [body.data.sender_id, body.data.name]
        : body.type === 'handoff'
          ? [body.data.to, body.data.name]
          : [];
    const shown = shownName(name);
    if (senderId && shown) names.set(senderId, shown);
  }
  return names;
}
