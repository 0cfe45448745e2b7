/**
 * Commit throughput with notifications on and off, for `bench:notify` (issue 18: on is no
 * worse than 10 % below off). Two SQLite servers run side by side, one with
 * `NOTIFICATIONS=off`; `bench:server`'s load (50 concurrent REST senders, one thread of two
 * users, so each message makes one `message` notification for the other user, in the app
 * only as by default) goes to each in turn, alternating, so the machine's noise falls on both.
 */
import type http from 'node:http';
import { processCpuSeconds } from '../load/cpu-time.ts';
import { measureThroughput } from '../load/throughput.ts';
import { jsonRequest, median, startServer, stopServer, type SpawnedServer } from '../spawn-server.ts';

const SENDERS = 50;

export interface CommitThroughputResult {
  off: { perSecond: number[]; cpuMicros: number[] };
  on: { perSecond: number[]; cpuMicros: number[] };
  /**
   * The median of each round's on ÷ off. A round's two runs are back to back, so the machine's
   * drift over a run (one run of 7 rounds went from 3,168 to 6,100 messages/s) falls on both;
   * the ratio of the two medians swung from 76 to 112 % between runs of 3 rounds.
   */
  ratio: number;
}

type Session = { token: string; user: { id: string } };

async function prepare(agent: http.Agent, server: SpawnedServer): Promise<{ token: string; threadId: string }> {
  const login = async (email: string) =>
    (await jsonRequest<Session>(agent, server.port, 'POST', '/auth/login', null, { email, password: 'password123' })).json;
  const alice = await login('alice@example.com');
  const bob = await login('bob@example.com');
  const thread = await jsonRequest<{ id: string }>(agent, server.port, 'POST', '/chat/threads', alice.token, {
    target_user_ids: [bob.user.id],
    title: 'bench',
  });
  return { token: alice.token, threadId: thread.json.id };
}

/** `rounds` alternating rounds of `seconds` each against a server with notifications off and one with them on. */
export async function measureCommitThroughput(
  agent: http.Agent,
  rounds: number,
  seconds: number,
  log: (line: string) => void,
): Promise<CommitThroughputResult> {
  const servers = { off: await startServer({ NOTIFICATIONS: 'off' }), on: await startServer({ NOTIFICATIONS: 'on' }) };
  const result: CommitThroughputResult = { off: { perSecond: [], cpuMicros: [] }, on: { perSecond: [], cpuMicros: [] }, ratio: 0 };
  try {
    const targets = { off: await prepare(agent, servers.off), on: await prepare(agent, servers.on) };
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so neither always runs right after the other's work.
      const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const which of order) {
        const pid = servers[which].child.pid!;
        const cpuBefore = processCpuSeconds(pid);
        const measured = await measureThroughput({
          agent,
          ports: [servers[which].port],
          token: targets[which].token,
          threadIds: [targets[which].threadId],
          senders: SENDERS,
          seconds,
        });
        const cpuMicros = ((processCpuSeconds(pid) - cpuBefore) * 1e6) / Math.max(1, measured.committed);
        result[which].perSecond.push(measured.perSecond);
        result[which].cpuMicros.push(cpuMicros);
        log(
          `  throughput round ${round + 1}, notifications ${which}: ${Math.round(measured.perSecond)} msg/s, ` +
            `server CPU ${Math.round(cpuMicros)} µs/msg${measured.failed ? ` (${measured.failed} failed)` : ''}`,
        );
      }
    }
    result.ratio = median(result.on.perSecond.map((on, round) => on / result.off.perSecond[round]!));
    return result;
  } finally {
    await Promise.all([stopServer(servers.off), stopServer(servers.on)]);
  }
}
