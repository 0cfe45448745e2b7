import type { Role } from '../../../src/core/protocol/model.ts';

/** Who is making a request: a signed-in user, an agent (built-in or by token), or a visitor. */
export type Principal =
  | {
      kind: 'user';
      id: string;
      senderId: string;
      name: string;
      /** The session version of the token it came with: its sessions end when the user's changes. */
      sessionVersion?: number;
      /** When the token it came with expires (ms since 1970): the sessions it opens (SSE streams) end then. */
      expiresAtMs?: number;
    }
  | { kind: 'agent'; id: string; senderId: string; name: string; /** The external agent token used, if any. */ tokenId?: string }
  | { kind: 'visitor'; id: string; senderId: string; name: string; threadId: string };

/** A visitor's participant name when they gave none: never their email (a label for owners only). */
export const VISITOR_DEFAULT_NAME = 'Visitor';

export const userSenderId = (userId: string) => `user:${userId}`;
/** The `sender_id` prefix of agents (CONTRACT §1). */
export const AGENT_PREFIX = 'agent:';
export const agentSenderId = (agentId: string) => `${AGENT_PREFIX}${agentId}`;
export const visitorSenderId = (visitorId: string) => `visitor:${visitorId}`;

/** The message role of a principal (CONTRACT §1): users and visitors write as `user`. */
export function roleOf(principal: Principal): Role {
  return principal.kind === 'agent' ? 'agent' : 'user';
}
