import type { FastifyRequest } from 'fastify';
import { AGENT_TOKEN_PREFIX, hashAgentToken, type UserTokens } from '../auth/tokens.ts';
import type { Storage } from '../storage/storage.ts';
import type { UserLookup } from '../threads/send-path-cache.ts';
import { agentSenderId, userSenderId, type Principal } from '../threads/principal.ts';
import { ApiError } from './errors.ts';

export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

/** What a disabled user is told, on sign-in and on every call with an older token. */
export const ACCOUNT_DISABLED_MESSAGE = 'This account is disabled; ask an administrator to enable it.';
/** What the holder of a token issued before a password change is told. */
export const SESSION_ENDED_MESSAGE = 'The password of this account was changed; sign in again.';

/** What a token of a user that no longer exists gets. */
export const ACCOUNT_GONE_MESSAGE = 'This account no longer exists.';

/** `last_used_at` of an agent token is written at most this often: not a write per request. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000;

/**
 * Resolves `Authorization: Bearer …` to a principal: a user JWT, or an external agent's
 * `ama_eat_` token (seed 001). Every failure is a 401 that says what to do. `users` finds the
 * token's user: storage by default; the send route's authenticator passes a cached lookup
 * (its commits check the user again, see SendPathCache).
 */
export function createAuthenticator(
  storage: Storage,
  tokens: UserTokens,
  users: UserLookup = (userId) => storage.users.get(userId),
): Authenticate {
  const lastTouched = new Map<string, number>();
  const touch = (tokenId: string, log: FastifyRequest['log']) => {
    const nowMs = Date.now();
    if (nowMs - (lastTouched.get(tokenId) ?? 0) < TOKEN_TOUCH_INTERVAL_MS) return;
    lastTouched.set(tokenId, nowMs);
    storage.agentSettings
      .touchToken(tokenId, new Date(nowMs).toISOString())
      .catch((error: unknown) => log.warn({ err: error }, 'agent token touch failed'));
  };
  return async (request) => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!token) throw new ApiError('unauthorized', 'Sign in first: send "Authorization: Bearer <token>".');
    if (token.startsWith(AGENT_TOKEN_PREFIX)) {
      // Looked up on every request, so a revoked token is refused at once.
      const found = await storage.agentSettings.getToken(hashAgentToken(token));
      if (!found) throw new ApiError('unauthorized', 'This agent token is not valid (unknown or revoked).');
      touch(found.token.id, request.log);
      const { agent } = found;
      return { kind: 'agent', id: agent.id, senderId: agentSenderId(agent.id), name: agent.name, tokenId: found.token.id };
    }
    const check = await tokens.verify(token);
    if (!check.ok) {
      throw new ApiError(
        'unauthorized',
        check.reason === 'expired' ? 'Your session has expired; sign in again.' : 'The token is not valid; sign in again.',
      );
    }
    const user = await users(check.userId, check.sessionVersion);
    if (!user) throw new ApiError('unauthorized', ACCOUNT_GONE_MESSAGE);
    // Loaded on every request (or checked again by the commit), so a token of a user disabled since it was issued stops working at once.
    if (user.disabled) throw new ApiError('unauthorized', ACCOUNT_DISABLED_MESSAGE);
    // Likewise a token issued before the user's password was changed (on any process).
    if (user.sessionVersion !== check.sessionVersion) throw new ApiError('unauthorized', SESSION_ENDED_MESSAGE);
    return {
      kind: 'user',
      id: user.id,
      senderId: userSenderId(user.id),
      name: user.name,
      sessionVersion: user.sessionVersion,
      expiresAtMs: check.exp * 1000,
    };
  };
}

export function requireUser(principal: Principal): Extract<Principal, { kind: 'user' }> {
  if (principal.kind !== 'user') throw new ApiError('forbidden', 'This call is for signed-in users.');
  return principal;
}
