/** Interval of the application ping when the server's `ready` names none (CONTRACT §6: 25 s). */
const DEFAULT_HEARTBEAT_MS = 25_000;
/** A ping without a `pong` for this long means the connection is dead (CONTRACT §6). */
export const PONG_TIMEOUT_MS = 10_000;

/**
 * The client half of the keep-alive (CONTRACT §6): `{"type":"ping"}` every heartbeat, and a
 * deadline for the `pong`. The server's own WebSocket ping frames are invisible to browser
 * code, so only this tells a client that a quiet connection is in fact dead (a laptop that
 * slept, a NAT that forgot us).
 */
export class Heartbeat {
  private interval: ReturnType<typeof setInterval> | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param ping sends one ping; returns false when it could not be sent.
   * @param dead called once when a pong is overdue; the heartbeat has stopped by then.
   */
  constructor(
    private readonly ping: () => boolean,
    private readonly dead: () => void,
  ) {}

  start(intervalMs: number | null): void {
    this.stop();
    this.interval = setInterval(() => {
      // One outstanding ping is enough: later pings do not push its deadline back.
      if (this.ping() && this.deadline === undefined) {
        this.deadline = setTimeout(() => {
          this.stop();
          this.dead();
        }, PONG_TIMEOUT_MS);
      }
    }, intervalMs ?? DEFAULT_HEARTBEAT_MS);
  }

  /** The server answered: the connection is alive. */
  pong(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  stop(): void {
    clearInterval(this.interval);
    clearTimeout(this.deadline);
    this.interval = undefined;
    this.deadline = undefined;
  }
}
