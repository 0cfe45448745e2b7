import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../src/core/protocol/limits.ts';
import { findPostgresBin } from '../../src/dev/postgres-instance.ts';
import { natsServerBinary } from '../../src/dev/nats-instance.ts';
import { startFaultCluster, type FaultCluster } from '../support/fault-cluster.ts';
import { expectNothingLost, type FaultFigures } from '../support/fault-outcome.ts';
import { ReconnectingReader, RetryingSender } from '../support/outbox-client.ts';

/** Sends before each fault, so that it strikes mid-stream. */
const WARM_UP_MS = 1_000;
/** How long PostgreSQL stays stopped ("several seconds"). */
const POSTGRES_OUTAGE_MS = 5_000;
/** How long nats-server stays dead. */
const NATS_OUTAGE_MS = 3_000;
/** Sends after the system is back, before the senders stop. */
const COOL_DOWN_MS = 1_500;
/** Each sender's pause between two messages; 0 is a burst. */
const PACE_MS = 20;
const SENDERS = 3;
const READERS = 3;
/** Three processes, PostgreSQL and NATS start on a machine that may be busy with other tests. */
const CLUSTER_START_TIMEOUT_MS = 150_000;
const FAULT_TEST_TIMEOUT_MS = 90_000;
/** The longest a step of a fault test may take before it fails naming the step (not the test's bare timeout). */
const STEP_LIMIT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** `work`, or an error naming `label` once it has taken {@link STEP_LIMIT_MS}. */
async function step<T>(label: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`${label}: not done after ${STEP_LIMIT_MS} ms`)), STEP_LIMIT_MS)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const unavailableBody = { error: { code: 'unavailable', message: expect.any(String), retryable: true } };

const describeFaults = describe.runIf(findPostgresBin() !== undefined && natsServerBinary() !== null);

/**
 * Issue 22: real faults injected into an operator's deployment in miniature (three server
 * processes on their own PostgreSQL and NATS, behind a balancer that routes by /readyz),
 * under clients that retry like the product's outbox and readers that reconnect and catch
 * up like its connection. After each fault: no request went unanswered past the client's
 * deadline, every error answer is a retryable 503 in the contract's shape, every message is
 * committed exactly once under dense seqs, and every reader holds every event. The faults
 * run in order on one deployment (starting it is the slow part); the figures are printed.
 */
describeFaults('faults: PostgreSQL down, NATS down, a process stopped or killed', () => {
  let cluster: FaultCluster;
  beforeAll(async () => {
    cluster = await startFaultCluster();
  }, CLUSTER_START_TIMEOUT_MS);
  afterAll(() => cluster?.close());

  /** Readers connected and senders running during `fault`; then the outcome is checked. */
  async function underLoad(
    label: string,
    fault: () => Promise<void>,
    pace = PACE_MS,
  ): Promise<{ figures: FaultFigures; readers: ReconnectingReader[]; recoveries: number[] }> {
    const readers = Array.from(
      { length: READERS },
      () => new ReconnectingReader(cluster.url, cluster.wsUrl, cluster.reader.token, cluster.threadId),
    );
    await step(`${label}: readers connecting`, Promise.all(readers.map((reader) => reader.start())));
    let stop = false;
    const senders = Array.from(
      { length: SENDERS },
      (_, index) => new RetryingSender(cluster.url, cluster.sender.token, cluster.threadId, `${label}-${index}`),
    );
    const sending = Promise.all(senders.map((sender) => sender.run(() => stop, pace)));
    try {
      await sleep(WARM_UP_MS);
      await step(`${label}: the fault`, fault());
      await sleep(COOL_DOWN_MS);
    } finally {
      stop = true;
      await step(`${label}: the senders' last sends`, sending);
    }
    try {
      const figures = await step(`${label}: the outcome`, expectNothingLost(cluster, senders, readers, `${label}-`));
      return { figures, readers, recoveries: readers.flatMap((reader) => reader.recoveries) };
    } finally {
      readers.forEach((reader) => reader.stop());
    }
  }

  const summary = (figures: FaultFigures) =>
    `slowest answer ${figures.slowestAnswerMs} ms; ${figures.committed} messages, ${figures.attempts} tries, ` +
    `${figures.errorAnswers} × 503, ${figures.connectionErrors} connection errors`;

  it(
    '(a) PostgreSQL stopped for 5 s: every request answered (503, Retry-After), nothing lost, all back within a second',
    { timeout: FAULT_TEST_TIMEOUT_MS },
    async () => {
      let readyMs = NaN;
      let readsMs = NaN;
      const { figures } = await underLoad('pg', async () => {
        await cluster.stopPostgres();
        await sleep(POSTGRES_OUTAGE_MS);
        // While it is down every process is alive but not ready.
        for (const server of cluster.servers) {
          const ready = await fetch(`${server!.url}/readyz`);
          expect(ready.status).toBe(503);
          expect(await ready.json()).toEqual(unavailableBody);
          expect((await fetch(`${server!.url}/healthz`)).status).toBe(200);
        }
        await cluster.startPostgresAgain();
        [readyMs, readsMs] = await Promise.all([
          cluster.timeUntilAllAnswer('/readyz'),
          cluster.timeUntilAllAnswer(`/api/v1/chat/threads/${cluster.threadId}`, cluster.sender.token),
        ]);
      });
      // The outage was seen: sends were answered 503 and retried.
      expect(figures.errorAnswers).toBeGreaterThan(0);
      console.log(
        `FAULT postgres-down: every process reads again ${readsMs} ms and is ready ${readyMs} ms after PostgreSQL is back; ${summary(figures)}`,
      );
    },
  );

  it(
    '(b) NATS killed for 3 s: sends keep committing; after its return sockets get 4503 and every reader catches up',
    { timeout: FAULT_TEST_TIMEOUT_MS },
    async () => {
      let readyMs = NaN;
      const { figures, readers, recoveries } = await underLoad('nats', async () => {
        await cluster.killNats();
        await sleep(NATS_OUTAGE_MS);
        for (const server of cluster.servers) {
          const ready = await fetch(`${server!.url}/readyz`);
          expect(ready.status).toBe(503);
          expect(await ready.json()).toEqual(unavailableBody);
        }
        await cluster.startNatsAgain();
        readyMs = await cluster.timeUntilAllAnswer('/readyz');
      });
      for (const reader of readers) expect(reader.closes).toContain(CloseCode.unavailable);
      console.log(
        `FAULT nats-down: every process ready ${readyMs} ms after NATS is back; readers caught up ${median(recoveries)} ms after their 4503 ` +
          `(median of ${recoveries.length}); ${summary(figures)}`,
      );
    },
  );

  it(
    '(c) SIGTERM mid-burst (rolling restart): exit 0, its sockets get 4503, late requests a 503 in the contract shape',
    { timeout: FAULT_TEST_TIMEOUT_MS },
    async () => {
      let exitCode: number | null = null;
      const { figures, readers, recoveries } = await underLoad(
        'term',
        async () => {
          exitCode = await cluster.terminate(1);
        },
        0,
      );
      expect(exitCode).toBe(0);
      expect(readers.flatMap((reader) => reader.closes)).toContain(CloseCode.unavailable);
      console.log(
        `FAULT sigterm: its readers caught up ${median(recoveries)} ms after the close (median of ${recoveries.length}); ${summary(figures)}`,
      );
    },
  );

  it(
    '(d) SIGKILL mid-burst: the others serve, every message is committed once, every reader catches up',
    { timeout: FAULT_TEST_TIMEOUT_MS },
    async () => {
      const { figures, recoveries } = await underLoad(
        'kill',
        async () => {
          await cluster.servers[2]!.kill();
          cluster.servers[2] = null;
        },
        0,
      );
      console.log(
        `FAULT sigkill: its readers caught up ${median(recoveries)} ms after the drop (median of ${recoveries.length}); ${summary(figures)}`,
      );
    },
  );
});
