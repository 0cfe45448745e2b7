import { useQuery } from '@tanstack/react-query';
import { ownedAgents } from '../agents/agent-queries.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { agentsQuery } from '../threads/thread-queries.ts';

/**
 * A visitor thread's agent, when the signed-in user owns it (the server says so with
 * `is_owner`); undefined for any other thread. Owners may open its settings, delete any
 * message in its visitor threads, and export or erase its visitors (CONTRACT §14).
 */
export function useOwnedAgent(thread: InboundThread | undefined) {
  const { api } = useEngine();
  const isPublic = thread?.kind === 'public';
  const agents = useQuery({ ...agentsQuery(api), enabled: isPublic });
  return isPublic
    ? ownedAgents(agents.data).find((agent) => thread.participants.some((participant) => participant.sender_id === agent.sender_id))
    : undefined;
}
