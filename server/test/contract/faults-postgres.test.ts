import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBin } from '../../src/dev/postgres-instance.ts';
import { natsServerBinary } from '../../src/dev/nats-instance.ts';
import { startFaultCluster, type FaultCluster } from '../support/fault-cluster.ts';
import { expectNothingLost } from '../support/fault-outcome.ts';
import { ReconnectingReader, RetryingSender } from '../support/outbox-client.ts';

/** Sends before the fault, so that it strikes mid-stream. */
const WARM_UP_MS = 1_000;
/** How long PostgreSQL stays stopped ("several seconds"). */
const OUTAGE_MS = 5_000;
/** Sends after every process is back, before the senders stop. */
const COOL_DOWN_MS = 1_000;
/** Each sender's pause between two messages. */
const PACE_MS = 30;
const SENDERS = 3;
const READERS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 22 (a): PostgreSQL stopped for several seconds under a retrying send loop across three
 * processes, then started again. No request waits past the client's deadline (each gets a
 * retryable 503 with Retry-After), nothing is lost or doubled, and every process serves again
 * within about a second of the database's return (the figures are printed).
 */
describe.runIf(findPostgresBin() !== undefined && natsServerBinary() !== null)('faults: PostgreSQL stops and comes back', () => {
  let cluster: FaultCluster;
  beforeAll(async () => {
    cluster = await startFaultCluster();
  }, 60_000);
  afterAll(() => cluster?.close());

  it('answers every request within the deadline, commits every message once, and recovers', { timeout: 90_000 }, async () => {
    const readers = Array.from(
      { length: READERS },
      () => new ReconnectingReader(cluster.url, cluster.wsUrl, cluster.reader.token, cluster.threadId),
    );
    await Promise.all(readers.map((reader) => reader.start()));
    let stop = false;
    const senders = Array.from(
      { length: SENDERS },
      (_, index) => new RetryingSender(cluster.url, cluster.sender.token, cluster.threadId, `pg-${index}`),
    );
    const sending = Promise.all(senders.map((sender) => sender.run(() => stop, PACE_MS)));

    await sleep(WARM_UP_MS);
    await cluster.stopPostgres();
    await sleep(OUTAGE_MS);
    // While it is down, every process says it is not ready (and stays alive).
    for (const server of cluster.servers) {
      const ready = await fetch(`${server!.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ error: { code: 'unavailable', message: expect.any(String), retryable: true } });
      expect((await fetch(`${server!.url}/healthz`)).status).toBe(200);
    }
    await cluster.startPostgresAgain();
    const [readyMs, readsMs] = await Promise.all([
      cluster.timeUntilAllAnswer('/readyz'),
      cluster.timeUntilAllAnswer(`/api/v1/chat/threads/${cluster.threadId}`, cluster.sender.token),
    ]);
    await sleep(COOL_DOWN_MS);
    stop = true;
    await sending;

    const figures = await expectNothingLost(cluster, senders, readers);
    readers.forEach((reader) => reader.stop());
    // The outage was seen: some sends were answered 503 and retried.
    expect(figures.errorAnswers).toBeGreaterThan(0);
    console.log(
      `FAULT postgres-down ${OUTAGE_MS} ms: every process reads again ${readsMs} ms and is ready ${readyMs} ms after PostgreSQL is back; ` +
        `slowest answer ${figures.slowestAnswerMs} ms; ${figures.committed} messages, ${figures.attempts} tries, ${figures.errorAnswers} × 503, ` +
        `${figures.connectionErrors} connection errors`,
    );
  });
});
