import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { jsonRequest } from '../spawn-server.ts';

export interface ThroughputOptions {
  /** A keep-alive agent with room for every sender's connection. */
  agent: http.Agent;
  /** Server ports; sender `i` talks to `ports[i % ports.length]`, as a load balancer would spread them. */
  ports: readonly number[];
  token: string;
  /** Threads to post to; sender `i` posts to `threadIds[i % threadIds.length]`. */
  threadIds: readonly string[];
  senders: number;
  seconds: number;
}

export interface ThroughputResult {
  /** Committed messages (201) per second of wall time. */
  perSecond: number;
  committed: number;
  failed: number;
  seconds: number;
}

/**
 * The throughput loop of the server benchmarks: `senders` concurrent loops, each POSTing a
 * message and waiting for its answer before the next, until `seconds` have passed.
 */
export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const { agent, ports, token, threadIds, senders, seconds } = options;
  let committed = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: senders }, async (_, sender) => {
      const port = ports[sender % ports.length]!;
      const path = `/chat/threads/${threadIds[sender % threadIds.length]}/messages`;
      let n = 0;
      while (performance.now() < deadline) {
        const response = await jsonRequest(agent, port, 'POST', path, token, {
          content: `bench message ${sender}/${n++}`,
          client_message_id: randomUUID(),
        });
        if (response.status === 201) committed++;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: committed / elapsed, committed, failed, seconds: elapsed };
}
