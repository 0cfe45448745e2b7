import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { InboundThread, InboundUser } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { usersQuery } from '../threads/thread-queries.ts';
import { nameOf } from '../threads/thread-title.ts';

/**
 * A person's name: the thread's participant first, else the user directory (an agent's owner
 * who is not a participant can act on a public thread), else the signed-in user (`self`,
 * known before the directory answers), else a readable fallback.
 */
export function personName(
  thread: Pick<InboundThread, 'participants'> | undefined,
  users: readonly InboundUser[] | undefined,
  senderId: string,
  t: InboxStrings,
  self?: { senderId: string; name: string },
): string {
  if (thread?.participants.some((participant) => participant.sender_id === senderId)) return nameOf(thread, senderId, t);
  const user = senderId.startsWith('user:') ? users?.find((candidate) => `user:${candidate.id}` === senderId) : undefined;
  if (user) return user.name;
  if (self && senderId === self.senderId && self.name) return self.name;
  return nameOf(thread, senderId, t);
}

/** The thread's agent, by the name the thread gives it; null when it has none. */
export function agentOf(thread: Pick<InboundThread, 'participants'> | undefined): { senderId: string; name: string } | null {
  const agent = thread?.participants.find((participant) => participant.sender_id.startsWith('agent:'));
  return agent ? { senderId: agent.sender_id, name: agent.name } : null;
}

/** {@link personName} with the user directory (cached, shared by every caller). */
export function usePersonName(thread: Pick<InboundThread, 'participants'> | undefined): (senderId: string) => string {
  const { api, user, selfSenderId } = useEngine();
  const t = useStrings();
  const users = useQuery(usersQuery(api)).data;
  const selfName = user.name;
  return useCallback(
    (senderId: string) => personName(thread, users, senderId, t, { senderId: selfSenderId, name: selfName }),
    [thread, users, t, selfSenderId, selfName],
  );
}
