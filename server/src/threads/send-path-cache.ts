import type { ThreadRecord, UserRecord } from '../storage/storage.ts';
import type { UserStore } from '../storage/stores/user-store.ts';
import { BoundedCache } from './bounded-cache.ts';

/** Enabled users a send has authenticated, kept per process. */
export const SEND_CACHE_MAX_USERS = 10_000;
/** Threads sent to, kept per process: about 1 KB each with a few participants, under 20 KB with the most a thread may have. */
export const SEND_CACHE_MAX_THREADS = 2_000;
/** (user, thread) pairs known to have access, kept per process. */
export const SEND_CACHE_MAX_ACCESS = 20_000;
/**
 * A safety net only: the entries are never trusted alone (see {@link SendPathCache}), but a
 * forgotten entry costs one read, so nothing stays longer than this.
 */
export const SEND_CACHE_TTL_MS = 60_000;

/** What authenticating a user needs to know. */
/**
 * What authenticating a user needs to know. `sessionVersion` is the token's: a cached account
 * of another version is read again (the password was changed, on this or another process).
 */
export type UserLookup = (
  userId: string,
  sessionVersion?: number,
) => Promise<Pick<UserRecord, 'id' | 'name' | 'disabled' | 'sessionVersion'> | undefined>;

/**
 * What the send path would otherwise read on every message (on PostgreSQL each a round trip,
 * on SQLite about a quarter of the send's CPU): the sender's account (authentication), the
 * thread and whether the sender sees it (access). Only users' sends use it; agents' and visitors' are read as
 * before.
 *
 * Nothing here needs to be told when it goes stale, which is why no process has to notify
 * the others (an administrator disabling a user through `npm run admin` reaches no server):
 * - a send decided on cached entries commits with `recheckUserId`, so the commit itself
 *   checks (PostgreSQL in its statement under the thread's row lock, SQLite in its write
 *   transaction), that the user still exists, is enabled, is
 *   still on the token's session version (no password change since) and sees the thread; a refused commit stores nothing, forgets the entries and the send is
 *   decided again from the database (401, 403 or 404 as without the cache);
 * - only enabled users and granted access are kept, never "no such thread" or "no access",
 *   so a thread created or a participant added on another process is seen at once;
 * - of the thread, only what does not change is used (id, kind, participants); its mode and
 *   its active webhooks come back from the commit statement ({@link CommitFacts}).
 * Every other route reads the account and access from the database as before.
 */
export class SendPathCache {
  private readonly users = new BoundedCache<string, { id: string; name: string; sessionVersion: number }>(
    SEND_CACHE_MAX_USERS,
    SEND_CACHE_TTL_MS,
  );
  private readonly threads = new BoundedCache<string, ThreadRecord>(SEND_CACHE_MAX_THREADS, SEND_CACHE_TTL_MS);
  private readonly access = new BoundedCache<string, true>(SEND_CACHE_MAX_ACCESS, SEND_CACHE_TTL_MS);

  /** A user lookup for the authenticator of the send route: enabled users from the cache, the rest from storage. */
  userLookup(users: Pick<UserStore, 'get'>): UserLookup {
    return async (userId, sessionVersion) => {
      const cached = this.users.get(userId);
      if (cached && (sessionVersion === undefined || cached.sessionVersion === sessionVersion)) return { ...cached, disabled: false };
      // A token of another session version than the one cached: the account is read again.
      if (cached) this.users.delete(userId);
      let found: UserRecord | undefined;
      await this.users.load(userId, async () => {
        found = await users.get(userId);
        return found && !found.disabled ? { id: found.id, name: found.name, sessionVersion: found.sessionVersion } : undefined;
      });
      return found && { id: found.id, name: found.name, disabled: found.disabled, sessionVersion: found.sessionVersion };
    };
  }

  /** The thread, when this user was seen to have access to it. */
  accessibleThread(userId: string, threadId: string): ThreadRecord | undefined {
    if (!this.access.get(accessKey(userId, threadId))) return undefined;
    return this.threads.get(threadId);
  }

  /** The user was found to see the thread (read from the database just now). */
  granted(userId: string, thread: ThreadRecord): void {
    this.threads.set(thread.id, thread);
    this.access.set(accessKey(userId, thread.id), true);
  }

  /** The commit refused the user on this thread: what was cached about either is forgotten. */
  forget(userId: string, threadId: string): void {
    this.users.delete(userId);
    this.threads.delete(threadId);
    this.access.delete(accessKey(userId, threadId));
  }
}

function accessKey(userId: string, threadId: string): string {
  return `${userId} ${threadId}`;
}
