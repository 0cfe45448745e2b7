import type { NewUser, UserRecord } from '../storage.ts';

/** Inbox users and their credentials (`storage.users`). */
export interface UserStore {
  get(id: string): Promise<UserRecord | undefined>;
  byEmail(email: string): Promise<UserRecord | undefined>;
  many(ids: readonly string[]): Promise<UserRecord[]>;
  list(): Promise<UserRecord[]>;
  /** A new user is enabled. */
  create(input: NewUser): Promise<UserRecord>;
  /** Disables or enables a user (a disabled user cannot sign in or use a token); false when there is no such user. */
  setDisabled(userId: string, disabled: boolean): Promise<boolean>;
  /**
   * Replaces the user's password hash and bumps their `sessionVersion` in the same write, so
   * every token issued before is refused from then on; false when there is no such user.
   */
  setPassword(userId: string, passwordHash: string): Promise<boolean>;
}
