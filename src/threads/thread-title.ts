import type { InboundThread } from '../core/protocol/rest-schemas.ts';

/** A thread's name: its title, else the other participants' names. */
export function threadTitle(thread: Pick<InboundThread, 'title' | 'participants'>, selfSenderId: string): string {
  if (thread.title) return thread.title;
  const others = thread.participants.filter((participant) => participant.sender_id !== selfSenderId).map((participant) => participant.name);
  return others.length ? others.join(', ') : 'Just you';
}

/** A participant's display name from a thread, with a readable fallback for unknown senders. */
export function nameOf(thread: Pick<InboundThread, 'participants'> | undefined, senderId: string): string {
  const found = thread?.participants.find((participant) => participant.sender_id === senderId);
  if (found) return found.name;
  if (senderId.startsWith('agent:')) return 'Agent';
  if (senderId.startsWith('visitor:')) return 'Visitor';
  return senderId === 'system' ? 'System' : 'Someone';
}
