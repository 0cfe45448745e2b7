/**
 * The three-process rows of `npm run bench:topics` (issue 21: "on one process and on three"):
 * three real server processes (`server/src/main.ts`) on PostgreSQL + NATS, the agent socket on
 * the first (A), in {@link THREADS} real threads it takes part in (made by REST with the agent's
 * token, spread over the processes, so the socket's threads come from the database and the hub
 * as in production). The events reach A the way a commit on another process does: this script
 * is a NATS client publishing exactly the frame envelope a `NatsHub` sends after a commit
 * (`events.<org>.chat.thread.<event>.<thread_id>`, frame-envelope.ts), at {@link RATE} a
 * second, each carrying the time it was published; timed from publish to receipt at the agent
 * socket (raw socket, then through `ThreadRuntimeClient.subscribe`). REST commits cannot reach
 * that rate (the SDK rows measure them); this measures what A's socket takes from the cluster.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ThreadEvent } from '../../src/core/protocol/model.ts';
import { startNatsServer, type NatsInstance } from '../src/dev/nats-instance.ts';
import { startPostgres } from '../src/dev/postgres-instance.ts';
import { encodeEnvelope } from '../src/realtime/nats/frame-envelope.ts';
import { Outbound } from '../src/realtime/outbound.ts';
import { postmasterPid, processCpuSeconds, processTreeCpuSeconds } from './load/cpu-time.ts';
import { jsonRequest, startServer, startServersInto, stopServer, type SpawnedServer } from './spawn-server.ts';
import { measureOffer, THREADS } from './topics-offer.ts';

const PROCESSES = 3;
/** The cluster's `NATS_ORG`, the topics' `<org>`. */
const ORG = 'bench';
/** Threads made at once, over all the processes. */
const CREATE_CONCURRENCY = 24;
/** Per thread, the seq the offered events start after (past the events its creation wrote). */
const FIRST_OFFERED_SEQ = 100;
const SERVER_ENV = {
  RATE_LIMIT_THREADS_PER_MIN: '1000000',
  RATE_LIMIT_MESSAGES_PER_MIN: '1000000',
  RATE_LIMIT_SOCKETS_PER_MIN: '1000000',
};
const POSTGRES_SETTINGS = { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off', max_connections: '300' };

type Session = { token: string; user: { id: string } };

/** The agent's threads, each with Bob, made by REST over every process. */
async function createThreads(agent: http.Agent, servers: SpawnedServer[], token: string, bobId: string): Promise<string[]> {
  const threads: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CREATE_CONCURRENCY }, async (_, worker) => {
      const port = servers[worker % servers.length]!.port;
      while (next < THREADS) {
        next++;
        const made = await jsonRequest<{ id: string }>(agent, port, 'POST', '/chat/threads', token, {
          target_user_ids: [bobId],
          participation_mode: 'invocation_only',
        });
        if (made.status !== 200 && made.status !== 201)
          throw new Error(`making a thread answered ${made.status}: ${JSON.stringify(made.json)}`);
        threads.push(made.json.id);
      }
    }),
  );
  return threads;
}

/** Publishes committed events of the agent's threads on NATS, as another process's hub does after a commit. */
function natsPublisher(nc: NatsConnection, threads: string[], senderId: string): (count: number, only?: string) => void {
  const seqs = new Map<string, number>();
  return (count, only) => {
    for (let index = 0; index < count; index++) {
      const threadId = only ?? threads[Math.floor(Math.random() * threads.length)]!;
      const seq = (seqs.get(threadId) ?? FIRST_OFFERED_SEQ) + 1;
      seqs.set(threadId, seq);
      const event: ThreadEvent = {
        event_id: randomUUID(),
        thread_id: threadId,
        thread_seq: seq,
        event_type: 'mode_changed',
        sender_id: senderId,
        content: '',
        created_at: new Date().toISOString(),
        data: { participation_mode: 'open', t: performance.timeOrigin + performance.now() } as ThreadEvent['data'],
      };
      const outbound = new Outbound(threadId, { type: 'thread_event', thread_id: threadId, data: event }, event);
      nc.publish(`events.${ORG}.chat.thread.${event.event_type}.${threadId}`, encodeEnvelope(outbound));
    }
  };
}

/** The parts whose CPU per event the three-process rows report, in this order (the receiver's and publisher's are added: topics-offer.ts). */
export const CLUSTER_CPU_PARTS = ['A', 'B', 'C', 'nats', 'postgres', 'publisher', 'receiver'] as const;

/** What {@link clusterRows} measured: the rows, and per row each part's CPU per event. */
export interface ClusterRows {
  /** `[configuration, events, rate, p50, p99]`: raw agent socket, then the SDK iterator. */
  rows: string[][];
  /** `[configuration, µs per event of each of CLUSTER_CPU_PARTS, total]`. */
  cpuRows: string[][];
}

/** CPU readers of the cluster's processes: the servers by their place (A holds the agent socket), NATS, PostgreSQL's whole tree. */
function clusterCpuParts(servers: SpawnedServer[], nats: NatsInstance, postgresDataDir: string): Record<string, () => number> {
  const parts: Record<string, () => number> = {};
  servers.forEach((server, index) => (parts[String.fromCharCode('A'.charCodeAt(0) + index)] = () => processCpuSeconds(server.child.pid!)));
  parts.nats = () => processCpuSeconds(nats.pid);
  const postmaster = postmasterPid(postgresDataDir);
  if (postmaster !== undefined) parts.postgres = () => processTreeCpuSeconds(postmaster);
  return parts;
}

/** The three-process rows. */
export async function clusterRows(): Promise<ClusterRows> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CREATE_CONCURRENCY });
  const postgresServer = await startPostgres({ settings: POSTGRES_SETTINGS });
  const servers: SpawnedServer[] = [];
  let nats: NatsInstance | undefined;
  let nc: NatsConnection | undefined;
  // Whatever fails, everything started so far is stopped (a server still starting is waited for: startServersInto).
  try {
    nats = await startNatsServer();
    const env = {
      DATABASE_URL: await postgresServer.createDatabase(),
      NATS_URL: nats.url,
      NATS_ORG: ORG,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DEMO_DATA: 'true',
      ...SERVER_ENV,
    };
    // The first alone: it migrates and seeds.
    servers.push(await startServer(env));
    await startServersInto(servers, PROCESSES - 1, env);
    const [first] = servers as [SpawnedServer];
    const login = async (email: string) =>
      (await jsonRequest<Session>(agent, first.port, 'POST', '/auth/login', null, { email, password: 'password123' })).json;
    const alice = await login('alice@example.com');
    const bob = await login('bob@example.com');
    const agentToken = (await jsonRequest<{ token: string }>(agent, first.port, 'POST', '/agents/demo/tokens', alice.token, {})).json.token;
    const threads = await createThreads(agent, servers, agentToken, bob.user.id);
    nc = await connect({ servers: nats.url, name: 'ama2-bench-topics-publisher' });
    const publish = natsPublisher(nc, threads, `user:${bob.user.id}`);
    const cpuParts = clusterCpuParts(servers, nats, postgresServer.dataDir);
    const rows: string[][] = [];
    const cpuRows: string[][] = [];
    for (const sdk of [false, true]) {
      const { cells, cpuMicrosPerEvent } = await measureOffer(
        { port: first.port, org: ORG, agentToken, userToken: bob.token, others: 0, sdk },
        { publish, probe: () => publish(1, threads[0]!), cpuParts },
      );
      const configuration = `${PROCESSES} processes, NATS publish → ${sdk ? 'SDK iterator' : 'agent socket'} on A`;
      rows.push([configuration, ...cells]);
      const micros = CLUSTER_CPU_PARTS.map((part) => cpuMicrosPerEvent[part] ?? 0);
      cpuRows.push([configuration, ...[...micros, micros.reduce((sum, value) => sum + value, 0)].map((value) => `${value.toFixed(1)} µs`)]);
    }
    return { rows, cpuRows };
  } finally {
    await nc?.drain();
    agent.destroy();
    await Promise.all(servers.map((server) => stopServer(server)));
    await nats?.stop();
    await postgresServer.stop();
  }
}
