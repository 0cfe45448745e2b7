import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { LoginThrottle } from './login-throttle.ts';

async function refusal(run: () => Promise<void>): Promise<ApiError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('LoginThrottle', () => {
  it('counts every attempt per address, and says in words and seconds when to try again', async () => {
    let now = 0;
    const throttle = new LoginThrottle(
      { perAddressPerMinute: 2, failuresPerAccountAndAddress: 100, failuresPerAccountPerHour: 100 },
      () => now,
    );
    await throttle.admit('1.1.1.1', 'a@example.com');
    await throttle.succeeded('1.1.1.1', 'a@example.com');
    await throttle.admit('1.1.1.1', 'b@example.com');
    await throttle.succeeded('1.1.1.1', 'b@example.com');
    now = 20_000;
    const error = await refusal(() => throttle.admit('1.1.1.1', 'c@example.com'));
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 40 });
    expect(error.message).toBe('Too many sign-in attempts from this address; try again in 40 seconds.');
    await throttle.admit('2.2.2.2', 'c@example.com');
    throttle.dispose();
  });

  it('counts only failures per account and address for 15 minutes: other addresses still sign in to the account', async () => {
    let now = 0;
    const throttle = new LoginThrottle(
      { perAddressPerMinute: 1_000, failuresPerAccountAndAddress: 2, failuresPerAccountPerHour: 100 },
      () => now,
    );
    for (let i = 0; i < 5; i++) {
      await throttle.admit('1.1.1.1', 'a@example.com');
      await throttle.succeeded('1.1.1.1', 'a@example.com');
    }
    await throttle.admit('1.1.1.1', 'a@example.com');
    await throttle.admit('1.1.1.1', 'a@example.com');
    const error = await refusal(() => throttle.admit('1.1.1.1', 'a@example.com'));
    expect(error.message).toBe('Too many failed sign-ins for this account from this address; try again in 15 minutes.');
    expect(error.retryAfterSeconds).toBe(900);
    // The owner elsewhere, and other accounts from the same address, are not affected.
    await throttle.admit('2.2.2.2', 'a@example.com');
    await throttle.admit('1.1.1.1', 'b@example.com');
    now = 15 * 60_000;
    await throttle.admit('1.1.1.1', 'a@example.com');
    throttle.dispose();
  });

  it('counts failures per account over all addresses for an hour, in a larger limit', async () => {
    let now = 0;
    const throttle = new LoginThrottle(
      { perAddressPerMinute: 1_000, failuresPerAccountAndAddress: 2, failuresPerAccountPerHour: 5 },
      () => now,
    );
    for (const address of ['1.1.1.1', '1.1.1.1', '2.2.2.2', '2.2.2.2', '3.3.3.3']) await throttle.admit(address, 'a@example.com');
    now = 60_000;
    const error = await refusal(() => throttle.admit('4.4.4.4', 'a@example.com'));
    expect(error.message).toBe('Too many failed sign-ins for this account; try again in 59 minutes.');
    expect(error.retryAfterSeconds).toBe(59 * 60);
    // Other accounts are not affected; after the hour the account is open again.
    await throttle.admit('5.5.5.5', 'b@example.com');
    now = 60 * 60_000;
    await throttle.admit('4.4.4.4', 'a@example.com');
    throttle.dispose();
  });
});
