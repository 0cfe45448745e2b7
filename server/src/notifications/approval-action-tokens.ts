import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../http/errors.ts';
import type { AgentRuntime } from '../agents/agent-runtime.ts';
import type { ApprovalRecord, Storage } from '../storage/storage.ts';
import { userSenderId } from '../threads/principal.ts';

/** The prefix of approval action tokens (tells them apart from other credentials in a leak scan). */
export const ACTION_TOKEN_PREFIX = 'aat_';
/** Random bytes in a token: 256 bits. */
const TOKEN_BYTES = 32;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * One-time tokens that decide one approval for one user, carried by a push notification
 * (CONTRACT §12): `POST /approvals/decide {action_token, decision}` with no other credential.
 * Only their hash is stored; each expires with its approval. The decision is the one of
 * `POST /chat/threads/{id}/approvals/{approval_id}`, made as that user, so it re-checks that
 * they still take part in the thread and are still enabled.
 */
export class ApprovalActionTokens {
  constructor(
    private readonly storage: Storage,
    private readonly runtime: Pick<AgentRuntime, 'decide'>,
  ) {}

  /** A new token for `userId` to decide `approvalId`, valid until `expiresAt`. */
  async mint(userId: string, approvalId: string, expiresAt: string): Promise<string> {
    const token = `${ACTION_TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
    await this.storage.actionTokens.create({ tokenHash: hashToken(token), userId, approvalId, expiresAt });
    return token;
  }

  /**
   * Spends `token` on `decision`. Unknown: 401 (the token is the request's only credential,
   * and CONTRACT §2 answers an invalid credential with 401); expired: 410; spent: 409; the
   * user disabled or gone: 401; no longer in the thread: 403/404, as the thread route says.
   */
  async decide(token: string, decision: 'approve' | 'reject', address: string | null = null): Promise<ApprovalRecord> {
    const record = await this.storage.actionTokens.get(hashToken(token));
    if (!record) throw new ApiError('unauthorized', 'This action token is not valid.');
    if (record.spentAt !== null) throw new ApiError('conflict', 'This action token was already used.');
    if (Date.parse(record.expiresAt) <= Date.now()) {
      throw new ApiError('not_found', 'This action token has expired with its approval.', { status: 410 });
    }
    const user = await this.storage.users.get(record.userId);
    if (!user || user.disabled) throw new ApiError('unauthorized', 'The account this action token was made for can no longer sign in.');
    const approval = await this.storage.approvals.get(record.approvalId);
    if (!approval) throw new ApiError('not_found', 'The approval was not found.');
    // Spent before deciding: two taps at once decide once; a refused decision still uses the token up.
    if (!(await this.storage.actionTokens.spend(record.tokenHash, new Date().toISOString()))) {
      throw new ApiError('conflict', 'This action token was already used.');
    }
    const principal = { kind: 'user' as const, id: user.id, senderId: userSenderId(user.id), name: user.name };
    return this.runtime.decide(principal, approval.threadId, approval.id, decision, address);
  }

  /** Forgets tokens whose approval expired before `before`. */
  prune(before: Date): Promise<void> {
    return this.storage.actionTokens.prune(before.toISOString());
  }
}
