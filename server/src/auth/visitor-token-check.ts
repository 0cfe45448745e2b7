import type { FastifyBaseLogger } from 'fastify';
import type { Storage, VisitorRecord } from '../storage/storage.ts';
import { hashVisitorToken, isVisitorToken } from './visitor-tokens.ts';

/** A visitor token's last use is written at most this often per token: not a write per request. */
export const VISITOR_TOKEN_TOUCH_INTERVAL_MS = 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/** What a visitor whose token went unused too long is told (REST 401; the socket closes 4001 `visitor token expired`). */
export const expiredTokenMessage = (idleDays: number): string =>
  `This visitor token has expired (unused for ${idleDays} days); start a new conversation.`;

export type VisitorTokenCheck = { ok: true; visitor: VisitorRecord; tokenHash: string } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Finds the visitor behind a visitor token for every public path (REST and socket alike), so
 * a token is refused the same way everywhere: unknown or revoked is `invalid`, unused for
 * `VISITOR_TOKEN_IDLE_DAYS` is `expired`. A use is recorded at most once an hour per token.
 */
export class VisitorTokenChecker {
  private readonly idleMs: number;

  constructor(
    private readonly storage: Storage,
    readonly idleDays: number,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.idleMs = idleDays * DAY_MS;
  }

  async check(agentId: string, token: string): Promise<VisitorTokenCheck> {
    if (!isVisitorToken(token)) return { ok: false, reason: 'invalid' };
    const tokenHash = hashVisitorToken(token);
    const found = await this.storage.visitors.byToken(agentId, tokenHash);
    if (!found) return { ok: false, reason: 'invalid' };
    const { tokenLastUsedAt, ...visitor } = found;
    const nowMs = this.now();
    const idleForMs = nowMs - Date.parse(tokenLastUsedAt);
    if (idleForMs > this.idleMs) return { ok: false, reason: 'expired' };
    if (idleForMs >= VISITOR_TOKEN_TOUCH_INTERVAL_MS) {
      this.storage.visitors
        .touchToken(tokenHash, new Date(nowMs).toISOString())
        .catch((error: unknown) => this.log.warn({ err: error }, 'visitor token touch failed'));
    }
    return { ok: true, visitor, tokenHash };
  }
}
