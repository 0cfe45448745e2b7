import { VISITOR_DEFAULT_NAME } from '../threads/principal.ts';
import type { AgentRecord, NewThread, VisitorRecord } from './storage.ts';

/** How many characters of the visitor's id name a visitor who gave no name or email. */
const VISITOR_TAG_LENGTH = 4;

/**
 * The public thread a visitor's conversation lives in: the visitor and the agent, seen by
 * the agent's owners. One definition for every storage implementation.
 */
export function visitorThread(agent: AgentRecord, visitor: VisitorRecord, ownerUserIds: string[]): NewThread {
  const senderId = `visitor:${visitor.id}`;
  return {
    kind: 'public',
    // Titles are for the owners' inbox, who see the email label anyway; a visitor who gave
    // neither is told apart by the start of their id ("Visitor 4F2A").
    title: visitor.name ?? visitor.email ?? `${VISITOR_DEFAULT_NAME} ${visitor.id.slice(0, VISITOR_TAG_LENGTH).toUpperCase()}`,
    participationMode: 'open',
    participants: [
      { sender_id: senderId, name: visitor.name ?? VISITOR_DEFAULT_NAME, avatar_url: null },
      { sender_id: `agent:${agent.id}`, name: agent.name, avatar_url: agent.avatarUrl },
    ],
    extraAudience: ownerUserIds,
    createdBy: senderId,
    initialMessage: null,
  };
}
