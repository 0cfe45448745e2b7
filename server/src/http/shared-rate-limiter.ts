import { createHash } from 'node:crypto';
import type { Storage } from '../storage/storage.ts';
import type { Limiter, RateDecision } from './rate-limiter.ts';

/**
 * A fixed-window limit counted in the database, so that every process of a deployment
 * shares one count per key (with `DATABASE_URL`; a single process counts in memory with
 * {@link RateLimiter}, with the same windows: a key's window opens at its first hit).
 * Keys are stored as SHA-256 hashes: the database holds no client addresses or emails.
 */
export class SharedRateLimiter implements Limiter {
  private readonly pruner: NodeJS.Timeout;

  /** `name` keeps the counts of different limits apart (e.g. `messages`, `login-address`). */
  constructor(
    private readonly storage: Storage,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.pruner = setInterval(() => {
      // Best effort: a missed prune only leaves ended windows until the next one.
      this.storage.counters.prune(this.clock()).catch(() => {});
    }, windowMs);
    this.pruner.unref();
  }

  private hash(key: string): string {
    return createHash('sha256').update(`${this.name}\0${key}`).digest('hex');
  }

  async take(key: string): Promise<RateDecision> {
    const now = this.clock();
    const { count, resetAt } = await this.storage.counters.hit(this.hash(key), now, this.windowMs);
    return count <= this.limit ? { ok: true } : { ok: false, retryAfterMs: resetAt - now };
  }

  async refund(key: string): Promise<void> {
    await this.storage.counters.refund(this.hash(key), this.clock());
  }

  dispose(): void {
    clearInterval(this.pruner);
  }
}
