import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';

/** A thread's name: its title, else the other participants' names. */
export function threadTitle(thread: Pick<InboundThread, 'title' | 'participants'>, selfSenderId: string, t: InboxStrings): string {
  if (thread.title) return thread.title;
  const others = thread.participants.filter((participant) => participant.sender_id !== selfSenderId).map((participant) => participant.name);
  return others.length ? others.join(', ') : t.common.justYou;
}

/**
 * A participant's display name from a thread, with a readable fallback (in `t`'s language)
 * for unknown senders.
 */
export function nameOf(thread: Pick<InboundThread, 'participants'> | undefined, senderId: string, t: InboxStrings): string {
  const found = thread?.participants.find((participant) => participant.sender_id === senderId);
  if (found) return found.name;
  if (senderId.startsWith('agent:')) return t.common.someoneAgent;
  if (senderId.startsWith('visitor:')) return t.common.someoneVisitor;
  return senderId === 'system' ? t.common.someoneSystem : t.common.someone;
}
