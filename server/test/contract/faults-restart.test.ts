import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../src/core/protocol/limits.ts';
import { findPostgresBin } from '../../src/dev/postgres-instance.ts';
import { natsServerBinary } from '../../src/dev/nats-instance.ts';
import { startFaultCluster, type FaultCluster } from '../support/fault-cluster.ts';
import { expectNothingLost } from '../support/fault-outcome.ts';
import { ReconnectingReader, RetryingSender } from '../support/outbox-client.ts';

/** Sends before the fault, so that it strikes mid-burst. */
const WARM_UP_MS = 1_000;
/** Sends after the process is gone, before the senders stop. */
const COOL_DOWN_MS = 1_500;
/** A burst: no pause between a sender's messages. */
const PACE_MS = 0;
const SENDERS = 4;
const READERS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * Issue 22 (c): one process of three stopped mid-burst, as a rolling restart does (SIGTERM),
 * then another killed outright (SIGKILL). Requests that reach a stopping process get a
 * retryable 503 in the contract's shape; the client retries through the balancer; every
 * message is committed once and every reader reconnects and catches up.
 */
describe.runIf(findPostgresBin() !== undefined && natsServerBinary() !== null)('faults: a process stops or dies mid-burst', () => {
  let cluster: FaultCluster;
  const readers: ReconnectingReader[] = [];
  beforeAll(async () => {
    cluster = await startFaultCluster();
    readers.push(
      ...Array.from({ length: READERS }, () => new ReconnectingReader(cluster.url, cluster.wsUrl, cluster.reader.token, cluster.threadId)),
    );
    await Promise.all(readers.map((reader) => reader.start()));
  }, 60_000);
  afterAll(async () => {
    readers.forEach((reader) => reader.stop());
    await cluster?.close();
  });

  async function burst(label: string, fault: () => Promise<void>) {
    let stop = false;
    const senders = Array.from(
      { length: SENDERS },
      (_, index) => new RetryingSender(cluster.url, cluster.sender.token, cluster.threadId, `${label}-${index}`),
    );
    const sending = Promise.all(senders.map((sender) => sender.run(() => stop, PACE_MS)));
    await sleep(WARM_UP_MS);
    const closesBefore = readers.map((reader) => reader.recoveries.length);
    await fault();
    await sleep(COOL_DOWN_MS);
    stop = true;
    await sending;
    const figures = await expectNothingLost(cluster, senders, readers, `${label}-`);
    const recoveries = readers.flatMap((reader, index) => reader.recoveries.slice(closesBefore[index]));
    return { figures, recoveries };
  }

  it('SIGTERM (rolling restart): exits cleanly, its sockets get 4503, every message is committed once', { timeout: 60_000 }, async () => {
    let exitCode: number | null = null;
    const { figures, recoveries } = await burst('term', async () => {
      exitCode = await cluster.terminate(1);
    });
    expect(exitCode).toBe(0);
    expect(readers.flatMap((reader) => reader.closes)).toContain(CloseCode.unavailable);
    console.log(
      `FAULT sigterm: readers of the stopped process reconnected and caught up in ${median(recoveries)} ms (median of ${recoveries.length}); ` +
        `slowest answer ${figures.slowestAnswerMs} ms; ${figures.committed} messages, ${figures.attempts} tries, ` +
        `${figures.errorAnswers} × 503, ${figures.connectionErrors} connection errors`,
    );
  });

  it('SIGKILL: the others serve, every message is committed once, every reader catches up', { timeout: 60_000 }, async () => {
    const { figures, recoveries } = await burst('kill', async () => {
      await cluster.servers[2]!.kill();
      cluster.servers[2] = null;
    });
    console.log(
      `FAULT sigkill: readers of the killed process reconnected and caught up in ${median(recoveries)} ms (median of ${recoveries.length}); ` +
        `slowest answer ${figures.slowestAnswerMs} ms; ${figures.committed} messages, ${figures.attempts} tries, ` +
        `${figures.errorAnswers} × 503, ${figures.connectionErrors} connection errors`,
    );
  });
});
