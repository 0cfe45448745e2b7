import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SubjectInterest } from './subject-interest.ts';

const GRACE_MS = 1_000;
const CONFIRM_WAIT_MS = 500;

/** A stand-in for the NATS client's side: which subscriptions are open, and confirmations the test answers. */
function natsSide() {
  const open = new Set<number>();
  let opened = 0;
  const confirmations: Array<() => void> = [];
  const unconfirmed: string[] = [];
  const interest = new SubjectInterest({
    subscribe: () => {
      const id = ++opened;
      open.add(id);
      return { unsubscribe: () => open.delete(id) };
    },
    confirm: () => new Promise<void>((resolve) => confirmations.push(resolve)),
    unconfirmed: (error) => unconfirmed.push(error.message),
    graceMs: GRACE_MS,
    confirmWaitMs: CONFIRM_WAIT_MS,
  });
  return { interest, open, opened: () => opened, confirmations, unconfirmed };
}

describe('SubjectInterest', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('subscribes once for every holder, and lets them go on only once the server has confirmed it', async () => {
    const side = natsSide();
    let firstHeld = false;
    const first = side.interest.hold().then((release) => ((firstHeld = true), release));
    const second = side.interest.hold();
    await vi.advanceTimersByTimeAsync(10);
    expect(side.opened()).toBe(1);
    expect(side.confirmations).toHaveLength(1);
    expect(firstHeld).toBe(false);
    side.confirmations[0]!();
    await Promise.all([first, second]);
    expect(firstHeld).toBe(true);
    // A holder that comes later has nothing to wait for.
    await side.interest.hold();
    expect(side.opened()).toBe(1);
    expect(side.confirmations).toHaveLength(1);
  });

  it('ends the subscription a grace after the last holder let go, and not while one still holds it', async () => {
    const side = natsSide();
    const holding = [side.interest.hold(), side.interest.hold()];
    side.confirmations[0]!();
    const [first, second] = await Promise.all(holding);
    first!();
    first!(); // a second call counts for nothing
    await vi.advanceTimersByTimeAsync(GRACE_MS * 2);
    expect(side.open.size).toBe(1);
    second!();
    await vi.advanceTimersByTimeAsync(GRACE_MS - 1);
    expect(side.interest.subscribed).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(side.open.size).toBe(0);
    expect(side.interest.subscribed).toBe(false);
  });

  it('keeps the subscription for a holder that comes back within the grace, and subscribes anew after it', async () => {
    const side = natsSide();
    const holding = side.interest.hold();
    side.confirmations[0]!();
    (await holding)();
    await vi.advanceTimersByTimeAsync(GRACE_MS / 2);
    const again = await side.interest.hold();
    await vi.advanceTimersByTimeAsync(GRACE_MS * 2);
    expect([...side.open]).toEqual([1]);
    again();
    await vi.advanceTimersByTimeAsync(GRACE_MS);
    expect(side.open.size).toBe(0);
    const later = side.interest.hold();
    side.confirmations[1]!();
    await later;
    expect([...side.open]).toEqual([2]);
  });

  it('lets holders go on without a confirmation that does not come (NATS away), and says so', async () => {
    const side = natsSide();
    let held = false;
    void side.interest.hold().then(() => (held = true));
    await vi.advanceTimersByTimeAsync(CONFIRM_WAIT_MS - 1);
    expect(held).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(held).toBe(true);
    expect(side.unconfirmed).toEqual([`NATS did not confirm a subscription within ${CONFIRM_WAIT_MS} ms.`]);
    expect(side.open.size).toBe(1);
  });

  it('ends the subscription at close, whoever holds it, and a late release changes nothing', async () => {
    const side = natsSide();
    const holding = side.interest.hold();
    side.confirmations[0]!();
    const release = await holding;
    side.interest.close();
    expect(side.open.size).toBe(0);
    release();
    await vi.advanceTimersByTimeAsync(GRACE_MS * 2);
    expect(side.opened()).toBe(1);
  });
});
