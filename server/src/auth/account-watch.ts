import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../storage/storage.ts';

/** Why a session is ended: its user was disabled, or no longer exists. */
export type SessionEnd = 'disabled' | 'unknown';

/**
 * Keeps open user sessions (user sockets, SSE streams) in step with their accounts. A request
 * loads its user anyway, so REST refuses a disabled user at once; a long-lived session would
 * not notice. An administrator usually disables a user from another process (`npm run admin`),
 * possibly against a database other processes share, so nothing can signal this one: every
 * `intervalMs` it loads the users that have open sessions, in one batch, and ends the sessions
 * of those disabled or gone. A disabled user's session thus lives at most one interval longer.
 */
export class AccountWatch {
  private readonly sessions = new Map<string, Set<(why: SessionEnd) => void>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly storage: Pick<Storage, 'getUsers'>,
    private readonly log: Pick<FastifyBaseLogger, 'info' | 'warn'>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.check().catch((error: unknown) => this.log.warn({ err: error }, 'account re-check failed; trying again next interval'));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Registers an open session of the user; returns the function that forgets it (call it when the session closes). */
  add(userId: string, end: (why: SessionEnd) => void): () => void {
    let ends = this.sessions.get(userId);
    if (!ends) this.sessions.set(userId, (ends = new Set()));
    ends.add(end);
    return () => {
      ends.delete(end);
      if (ends.size === 0 && this.sessions.get(userId) === ends) this.sessions.delete(userId);
    };
  }

  /** How many users have open sessions. */
  get userCount(): number {
    return this.sessions.size;
  }

  /** Ends the sessions of every user who is now disabled or gone; resolves with how many sessions ended. */
  check(): Promise<number> {
    // One check at a time: a slow database must not pile them up.
    this.running ??= this.checkNow().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkNow(): Promise<number> {
    const ids = [...this.sessions.keys()];
    if (ids.length === 0) return 0;
    const users = new Map((await this.storage.getUsers(ids)).map((user) => [user.id, user]));
    let ended = 0;
    for (const id of ids) {
      const user = users.get(id);
      if (user && !user.disabled) continue;
      const ends = [...(this.sessions.get(id) ?? [])];
      this.sessions.delete(id);
      for (const end of ends) end(user ? 'disabled' : 'unknown');
      ended += ends.length;
    }
    if (ended > 0) this.log.info({ sessions: ended }, 'ended the open sessions of disabled accounts');
    return ended;
  }
}
