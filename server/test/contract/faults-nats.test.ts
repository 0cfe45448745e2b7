import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../src/core/protocol/limits.ts';
import { findPostgresBin } from '../../src/dev/postgres-instance.ts';
import { natsServerBinary } from '../../src/dev/nats-instance.ts';
import { startFaultCluster, type FaultCluster } from '../support/fault-cluster.ts';
import { expectNothingLost } from '../support/fault-outcome.ts';
import { ReconnectingReader, RetryingSender } from '../support/outbox-client.ts';

/** Sends before the fault, so that it strikes mid-stream. */
const WARM_UP_MS = 1_000;
/** How long nats-server stays dead. */
const OUTAGE_MS = 3_000;
/** Sends after every process is back, before the senders stop. */
const COOL_DOWN_MS = 1_000;
const PACE_MS = 30;
const SENDERS = 3;
const READERS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * Issue 22 (b): nats-server killed (SIGKILL) under a retrying send loop and started again.
 * Every send commits (the database is up); processes say they are not ready while NATS is
 * away; once it is back every socket gets 4503, reconnects and catches up: nothing lost,
 * nothing doubled.
 */
describe.runIf(findPostgresBin() !== undefined && natsServerBinary() !== null)('faults: NATS is killed and comes back', () => {
  let cluster: FaultCluster;
  beforeAll(async () => {
    cluster = await startFaultCluster();
  }, 60_000);
  afterAll(() => cluster?.close());

  it('keeps committing, closes sockets with 4503 after the reconnect, and every reader catches up', { timeout: 90_000 }, async () => {
    const readers = Array.from(
      { length: READERS },
      () => new ReconnectingReader(cluster.url, cluster.wsUrl, cluster.reader.token, cluster.threadId),
    );
    await Promise.all(readers.map((reader) => reader.start()));
    let stop = false;
    const senders = Array.from(
      { length: SENDERS },
      (_, index) => new RetryingSender(cluster.url, cluster.sender.token, cluster.threadId, `nats-${index}`),
    );
    const sending = Promise.all(senders.map((sender) => sender.run(() => stop, PACE_MS)));

    await sleep(WARM_UP_MS);
    await cluster.killNats();
    await sleep(OUTAGE_MS);
    for (const server of cluster.servers) {
      const ready = await fetch(`${server!.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ error: { code: 'unavailable', message: expect.any(String), retryable: true } });
    }
    await cluster.startNatsAgain();
    const readyMs = await cluster.timeUntilAllAnswer('/readyz');
    await sleep(COOL_DOWN_MS);
    stop = true;
    await sending;

    const figures = await expectNothingLost(cluster, senders, readers);
    readers.forEach((reader) => reader.stop());
    for (const reader of readers) expect(reader.closes).toContain(CloseCode.unavailable);
    const recoveries = readers.flatMap((reader) => reader.recoveries);
    console.log(
      `FAULT nats-down ${OUTAGE_MS} ms: every process ready ${readyMs} ms after NATS is back; readers reconnected and caught up ` +
        `in ${median(recoveries)} ms (median of ${recoveries.length}); slowest answer ${figures.slowestAnswerMs} ms; ` +
        `${figures.committed} messages, ${figures.attempts} tries, ${figures.errorAnswers} × 503`,
    );
  });
});
