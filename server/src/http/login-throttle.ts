import { ApiError } from './errors.ts';
import { RateLimiter, type Limiter, type RateDecision } from './rate-limiter.ts';

/** The window of the per-address limit on sign-in attempts. */
const LOGIN_ADDRESS_WINDOW_MS = 60_000;
/** The window of the limit on failed sign-ins to one account from one address. */
const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
/** The window of the limit on failed sign-ins to one account from all addresses together. */
const ACCOUNT_FAILURE_WINDOW_MS = 60 * 60_000;

export interface LoginLimits {
  /** Attempts per client address and minute, right or wrong (`RATE_LIMIT_LOGINS_PER_MIN`). */
  perAddressPerMinute: number;
  /** Failed attempts per account from one client address, per 15 minutes (`RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN`). */
  failuresPerAccountAndAddress: number;
  /** Failed attempts per account from all addresses together, per hour (`RATE_LIMIT_LOGIN_FAILURES_PER_HOUR`). */
  failuresPerAccountPerHour: number;
}

function refuse(decision: Extract<RateDecision, { ok: false }>, why: string): never {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  throw new ApiError('rate_limited', `${why}; try again in ${wait}.`, { retryAfterSeconds: seconds });
}

/**
 * Slows password guessing on `POST /auth/login` (CONTRACT §2: 429 with Retry-After).
 * Per client address every attempt counts, so one machine cannot try many accounts fast.
 * Failures are counted twice: tightly per account and address, so one guesser soon stops
 * while the owner, from their own address, still signs in (a stranger cannot lock anyone
 * out); and loosely per account over every address, in a longer window, so guesses spread
 * over many addresses still hit a wall. Successes never count. The account key is the
 * normalized email, whether or not such an account exists: the answers are the same for
 * both, so the limits tell nobody which emails have accounts. While a limit holds even the
 * right password gets 429, or the limit would let guessing go on and reveal the hit.
 */
export class LoginThrottle {
  private readonly addresses: Limiter;
  private readonly failures: Limiter;
  private readonly accountFailures: Limiter;

  /** `makeLimiter` builds the limits: in memory by default, shared through the database across processes. */
  constructor(
    limits: LoginLimits,
    clock: () => number = Date.now,
    makeLimiter: (name: string, limit: number, windowMs: number) => Limiter = (_name, limit, windowMs) =>
      new RateLimiter(limit, windowMs, clock),
  ) {
    this.addresses = makeLimiter('login-address', limits.perAddressPerMinute, LOGIN_ADDRESS_WINDOW_MS);
    this.failures = makeLimiter('login-address-failures', limits.failuresPerAccountAndAddress, LOGIN_FAILURE_WINDOW_MS);
    this.accountFailures = makeLimiter('login-account-failures', limits.failuresPerAccountPerHour, ACCOUNT_FAILURE_WINDOW_MS);
  }

  /**
   * Before checking the password: counts the attempt against the address, and provisionally
   * as a failure against the account from this address and the account overall (so that many
   * guesses sent at once cannot all slip in before the first is counted), or throws 429.
   * `address` is the client address's rate-limit key (`ClientAddresses.keyOf`: behind trusted
   * proxies, IPv6 per /64).
   */
  async admit(address: string, email: string): Promise<void> {
    const byAddress = await this.addresses.take(address);
    if (!byAddress.ok) refuse(byAddress, 'Too many sign-in attempts from this address');
    const pair = pairKey(address, email);
    const byPair = await this.failures.take(pair);
    if (!byPair.ok) refuse(byPair, 'Too many failed sign-ins for this account from this address');
    const byAccount = await this.accountFailures.take(email);
    if (!byAccount.ok) {
      // Not checked, so not a failure from this address.
      await this.failures.refund(pair);
      refuse(byAccount, 'Too many failed sign-ins for this account');
    }
  }

  /** The password was right: the provisional failures are given back. */
  async succeeded(address: string, email: string): Promise<void> {
    await Promise.all([this.failures.refund(pairKey(address, email)), this.accountFailures.refund(email)]);
  }

  dispose(): void {
    this.addresses.dispose();
    this.failures.dispose();
    this.accountFailures.dispose();
  }
}

/** One key per account and address (an email holds no NUL). */
const pairKey = (address: string, email: string) => `${email}\0${address}`;
