import { ApiError } from './errors.ts';
import { RateLimiter, type Limiter, type RateDecision } from './rate-limiter.ts';

/** The window of the per-account limit on failed sign-ins. */
const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
/** The window of the per-address limit on sign-in attempts. */
const LOGIN_ADDRESS_WINDOW_MS = 60_000;

export interface LoginLimits {
  /** Attempts per client address and minute, right or wrong (`RATE_LIMIT_LOGINS_PER_MIN`). */
  perAddressPerMinute: number;
  /** Failed attempts per account and 15 minutes (`RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN`). */
  failuresPerAccount: number;
}

function refuse(decision: Extract<RateDecision, { ok: false }>, why: string): never {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  throw new ApiError('rate_limited', `${why}; try again in ${wait}.`, { retryAfterSeconds: seconds });
}

/**
 * Slows password guessing on `POST /auth/login` (CONTRACT §2: 429 with Retry-After).
 * Per client address every attempt counts, so one machine cannot try many accounts fast.
 * Per account only failures count, so signing in often is never limited, while guesses
 * spread over many addresses still hit a wall. The account key is the normalized email,
 * whether or not such an account exists: the answers are the same for both, so the limit
 * tells nobody which emails have accounts. While an account is over its limit even the
 * right password gets 429, or the limit would let guessing go on and reveal the hit.
 */
export class LoginThrottle {
  private readonly addresses: Limiter;
  private readonly failures: Limiter;

  /** `makeLimiter` builds the two limits: in memory by default, shared through the database across processes. */
  constructor(
    limits: LoginLimits,
    clock: () => number = Date.now,
    makeLimiter: (name: string, limit: number, windowMs: number) => Limiter = (_name, limit, windowMs) =>
      new RateLimiter(limit, windowMs, clock),
  ) {
    this.addresses = makeLimiter('login-address', limits.perAddressPerMinute, LOGIN_ADDRESS_WINDOW_MS);
    this.failures = makeLimiter('login-failures', limits.failuresPerAccount, LOGIN_FAILURE_WINDOW_MS);
  }

  /**
   * Before checking the password: counts the attempt against the address, and provisionally
   * as a failure against the account (so that many guesses sent at once cannot all slip in
   * before the first is counted), or throws 429. `address` is the client address's rate-limit
   * key (`ClientAddresses.keyOf`: behind trusted proxies, IPv6 per /64).
   */
  async admit(address: string, email: string): Promise<void> {
    const byAddress = await this.addresses.take(address);
    if (!byAddress.ok) refuse(byAddress, 'Too many sign-in attempts from this address');
    const byAccount = await this.failures.take(email);
    if (!byAccount.ok) refuse(byAccount, 'Too many failed sign-ins for this account');
  }

  /** The password was right: the provisional failure is given back. */
  async succeeded(email: string): Promise<void> {
    await this.failures.refund(email);
  }

  dispose(): void {
    this.addresses.dispose();
    this.failures.dispose();
  }
}
