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
    const throttle = new LoginThrottle({ perAddressPerMinute: 2, failuresPerAccount: 100 }, () => now);
    await throttle.admit('1.1.1.1', 'a@example.com');
    await throttle.succeeded('a@example.com');
    await throttle.admit('1.1.1.1', 'b@example.com');
    await throttle.succeeded('b@example.com');
    now = 20_000;
    const error = await refusal(() => throttle.admit('1.1.1.1', 'c@example.com'));
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 40 });
    expect(error.message).toBe('Too many sign-in attempts from this address; try again in 40 seconds.');
    await throttle.admit('2.2.2.2', 'c@example.com');
    throttle.dispose();
  });

  it('counts only failures per account, from any address, for 15 minutes', async () => {
    let now = 0;
    const throttle = new LoginThrottle({ perAddressPerMinute: 1_000, failuresPerAccount: 2 }, () => now);
    for (let i = 0; i < 5; i++) {
      await throttle.admit('1.1.1.1', 'a@example.com');
      await throttle.succeeded('a@example.com');
    }
    await throttle.admit('1.1.1.1', 'a@example.com');
    await throttle.admit('2.2.2.2', 'a@example.com');
    const error = await refusal(() => throttle.admit('3.3.3.3', 'a@example.com'));
    expect(error.message).toBe('Too many failed sign-ins for this account; try again in 15 minutes.');
    expect(error.retryAfterSeconds).toBe(900);
    // Others are not affected.
    await throttle.admit('3.3.3.3', 'b@example.com');
    now = 15 * 60_000;
    await throttle.admit('3.3.3.3', 'a@example.com');
    throttle.dispose();
  });
});
