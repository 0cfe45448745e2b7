import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../storage/storage.ts';

/** Why a session is ended: its user was disabled, no longer exists, or changed their password since it began. */
export type SessionEnd = 'disabled' | 'unknown' | 'signed_out';

interface Session {
  /** The user's session version when it began. */
  version: number;
  end: (why: SessionEnd) => void;
}

/**
 * Keeps open user sessions (user sockets, SSE streams) in step with their accounts. A request
 * loads its user anyway, so REST refuses a disabled user at once; a long-lived session would
 * not notice. An administrator usually disables a user from another process (`npm run admin`),
 * possibly against a database other processes share, so nothing can signal this one: every
 * `intervalMs` it loads the users that have open sessions, in one batch, and ends the sessions
 * of those disabled or gone, and those begun under an older session version (the password was
 * changed since). Such a session thus lives at most one interval longer.
 */
export class AccountWatch {
  private readonly sessions = new Map<string, Set<Session>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly storage: Pick<Storage, 'users'>,
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

  /**
   * Registers an open session of the user, begun under session version `version`; returns the
   * function that forgets it (call it when the session closes).
   */
  add(userId: string, version: number, end: (why: SessionEnd) => void): () => void {
    let sessions = this.sessions.get(userId);
    if (!sessions) this.sessions.set(userId, (sessions = new Set()));
    const session: Session = { version, end };
    sessions.add(session);
    return () => {
      sessions.delete(session);
      if (sessions.size === 0 && this.sessions.get(userId) === sessions) this.sessions.delete(userId);
    };
  }

  /** How many users have open sessions. */
  get userCount(): number {
    return this.sessions.size;
  }

  /** Ends the sessions of users now disabled or gone, and those of an old session version; resolves with how many ended. */
  check(): Promise<number> {
    // One check at a time: a slow database must not pile them up.
    this.running ??= this.checkNow().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkNow(): Promise<number> {
    const ids = [...this.sessions.keys()];
    if (ids.length === 0) return 0;
    const users = new Map((await this.storage.users.many(ids)).map((user) => [user.id, user]));
    let ended = 0;
    for (const id of ids) {
      const user = users.get(id);
      const sessions = this.sessions.get(id);
      if (!sessions) continue;
      for (const session of [...sessions]) {
        const why: SessionEnd | null = !user
          ? 'unknown'
          : user.disabled
            ? 'disabled'
            : user.sessionVersion !== session.version
              ? 'signed_out'
              : null;
        if (!why) continue;
        sessions.delete(session);
        session.end(why);
        ended++;
      }
      if (sessions.size === 0 && this.sessions.get(id) === sessions) this.sessions.delete(id);
    }
    if (ended > 0) this.log.info({ sessions: ended }, 'ended the open sessions of disabled accounts and changed passwords');
    return ended;
  }
}
