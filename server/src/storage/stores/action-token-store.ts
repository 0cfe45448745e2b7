/** A one-time token that decides one approval for one user from a push notification (CONTRACT §12). Only its hash is stored. */
export interface ActionTokenRecord {
  tokenHash: string;
  userId: string;
  approvalId: string;
  expiresAt: string;
  spentAt: string | null;
}
export type NewActionToken = Omit<ActionTokenRecord, 'spentAt'>;

/** Approval action tokens (`storage.actionTokens`). */
export interface ActionTokenStore {
  create(input: NewActionToken): Promise<void>;
  get(tokenHash: string): Promise<ActionTokenRecord | undefined>;
  /** Marks the token spent, once: true for the one caller that spent it, false when it already was (or is unknown). */
  spend(tokenHash: string, at: string): Promise<boolean>;
  /** Forgets tokens that expired before `before` (ISO time). */
  prune(before: string): Promise<void>;
}
