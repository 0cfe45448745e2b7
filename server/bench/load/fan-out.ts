import { sleep } from '../spawn-server.ts';
import type { ReceiverPool } from './receiver-pool.ts';

/** Wait after the last message of a burst, so its frames have arrived before the workers report. */
const SETTLE_MS = 500;

/**
 * Sends `count` messages one at a time (`send(i)` commits message `i`), `gapMs` apart so each
 * is measured alone rather than queued behind the last, and returns the receipt latencies
 * of the burst, sorted.
 */
export async function fanOutBurst(
  receivers: ReceiverPool,
  count: number,
  gapMs: number,
  send: (index: number) => Promise<unknown>,
): Promise<number[]> {
  for (let i = 0; i < count; i++) {
    await send(i);
    await sleep(gapMs);
  }
  await sleep(SETTLE_MS);
  return (await receivers.latencies()).sort((a, b) => a - b);
}
