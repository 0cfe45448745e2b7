/** A one-time resume link of a follow-up email (CONTRACT §12): bound to one visitor and thread of one agent. Only its hash is stored. */
export interface NewResumeToken {
  tokenHash: string;
  visitorId: string;
  agentId: string;
  threadId: string;
  expiresAt: string;
}

/** What spending a resume token came to. */
export type ResumeSpend =
  { outcome: 'resumed'; visitorId: string; threadId: string } | { outcome: 'unknown' } | { outcome: 'spent' } | { outcome: 'expired' };

export interface SpendResumeToken {
  tokenHash: string;
  /** The agent of the slug called: another agent's token is unknown there. */
  agentId: string;
  at: string;
  /** The hash of the new visitor token issued to the browser that spends it. */
  visitorTokenHash: string;
}

/** Resume tokens (`storage.resumeTokens`). */
export interface ResumeTokenStore {
  create(input: NewResumeToken): Promise<void>;
  /**
   * Spends the token and stores the new visitor token, in one transaction: of two browsers
   * at once one resumes and the other finds it spent. An expired or spent token changes nothing.
   */
  spend(input: SpendResumeToken): Promise<ResumeSpend>;
  /** Forgets tokens that expired before `before` (ISO time). */
  prune(before: string): Promise<void>;
}
